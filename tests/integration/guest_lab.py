"""Boots the guest image the build makes (compute/guest-image/) under QEMU, on a network
namespace that plays the cloud's part: the tests of the image itself, without libvirt or
Neutrino.

Standard library only; run with /usr/bin/python3 as root.

    GuestLab (a private network namespace, held by a process this module starts)
      <p>tap          the guest's NIC, 10.77.0.1/24 and 10.77.0.2/24
      lo              169.254.169.254/32
      busybox udhcpd  on the tap: addresses 10.77.0.50-59, MTU 1400, router 10.77.0.254 (which
                      does not exist) and option 121 with 169.254.169.254/32 via 10.77.0.2
                      and the default route via 10.77.0.254, so the metadata service is
                      reachable only through the classless route
      metadata        a small HTTP server on 169.254.169.254:80 answering the paths the guest
                      reads (EC2 instance-id, hostname, public key; OpenStack meta_data.json
                      and user_data, 404 when the lab has none), logging each request
      qemu            TCG, -nodefaults, the serial console on a Unix socket (to type into)
                      that QEMU also logs to console.log, QMP on another socket

    image = GuestImage()                       # build/guest/, from $NEUTRINO_BIN_DIR/../guest
    with GuestLab() as lab:
        vm = lab.boot(image, "direct")         # or "disk" (BIOS, syslinux), "direct-bzimage"
        lease_s = vm.wait_for(r"lease: (\\S+)/")
        vm.qmp("system_powerdown"); vm.wait_exit(30)

Every process (namespace holder, udhcpd, metadata server, QEMU) is started with
PR_SET_PDEATHSIG=SIGKILL, so a killed test leaves nothing running; the namespace and the tap
go with the holder. stop() ends them by PID and removes the temporary directory.
"""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
QEMU = "/usr/bin/qemu-system-x86_64"
BUSYBOX = "/bin/busybox"
SUBNET = "10.77.0"
METADATA_IP = "169.254.169.254"
GUEST_MEMORY_MB = 128   # Debian's kernel loads up to 75 MiB physical: 64 MiB is too little


def guest_dir():
    explicit = os.environ.get("NEUTRINO_GUEST_DIR")
    if explicit:
        return explicit
    bin_dir = os.environ.get("NEUTRINO_BIN_DIR") or os.path.join(HERE, "..", "..", "build", "bin")
    return os.path.normpath(os.path.join(bin_dir, "..", "guest"))


class GuestImage:
    """The files build/guest/ holds, described by its neutrino-guest.json."""

    def __init__(self, directory=None):
        self.directory = os.path.abspath(directory or guest_dir())
        manifest = os.path.join(self.directory, "neutrino-guest.json")
        if not os.path.exists(manifest):
            raise FileNotFoundError(
                "%s not found: build the guest image (cmake --build build --target guest-image)"
                % manifest)
        with open(manifest) as f:
            self.manifest = json.load(f)
        self.kernel_cmdline = self.manifest["kernel_cmdline"]

    def path(self, kind):
        """kind: vmlinux, vmlinuz, initramfs, raw, qcow2."""
        return os.path.join(self.directory, self.manifest["files"][kind]["name"])

    def size(self, kind):
        return self.manifest["files"][kind]["size"]


def _pdeathsig(argv):
    return ["setpriv", "--pdeathsig", "KILL", "--"] + [str(a) for a in argv]


class GuestLab:
    def __init__(self, prefix=None, user_data=None):
        """user_data: what openstack/latest/user_data answers (str), or None for a 404."""
        self.prefix = prefix or "ngl" + secrets.token_hex(3)
        self.user_data = user_data
        self.tap = self.prefix + "tap"
        self.tmp = None
        self.holder = None
        self.processes = []
        self.vms = []

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- namespace --------------------------------------------------------------------------

    def ns(self, argv):
        """argv run inside the lab's network namespace (as a list for Popen)."""
        return ["nsenter", "--net=/proc/%d/ns/net" % self.holder.pid, "--"] + [str(a) for a in argv]

    def run(self, argv, check=True, timeout=30):
        proc = subprocess.run(self.ns(argv), capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise RuntimeError("%s exited %d: %s%s" % (" ".join(map(str, argv)), proc.returncode,
                                                        proc.stdout, proc.stderr))
        return proc

    def popen(self, argv, log_name):
        log = open(os.path.join(self.tmp, log_name), "wb")
        proc = subprocess.Popen(_pdeathsig(self.ns(argv)), stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL)
        log.close()
        self.processes.append(proc)
        return proc

    def start(self):
        try:
            self.tmp = tempfile.mkdtemp(prefix="neutrino-%s-" % self.prefix)
            self.holder = subprocess.Popen(
                _pdeathsig(["unshare", "--net", "--", "sleep", "infinity"]),
                stdin=subprocess.DEVNULL)
            self._wait_for_own_netns()
            self.run(["ip", "link", "set", "lo", "up"])
            self.run(["ip", "addr", "add", METADATA_IP + "/32", "dev", "lo"])
            self.run(["ip", "tuntap", "add", "dev", self.tap, "mode", "tap"])
            self.run(["ip", "addr", "add", SUBNET + ".1/24", "dev", self.tap])
            self.run(["ip", "addr", "add", SUBNET + ".2/24", "dev", self.tap])
            self.run(["ip", "link", "set", self.tap, "up"])
            self._start_dhcp_server()
            self._start_metadata_server()
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_for_own_netns(self):
        own = os.readlink("/proc/self/ns/net")
        for _ in range(100):
            try:
                if os.readlink("/proc/%d/ns/net" % self.holder.pid) != own:
                    return
            except OSError:
                pass
            if self.holder.poll() is not None:
                raise RuntimeError("unshare --net exited %s" % self.holder.returncode)
            time.sleep(0.02)
        raise RuntimeError("the namespace holder never entered its own network namespace")

    def _start_dhcp_server(self):
        conf = os.path.join(self.tmp, "udhcpd.conf")
        with open(conf, "w") as f:
            f.write("\n".join([
                "interface " + self.tap,
                "start %s.50" % SUBNET,
                "end %s.59" % SUBNET,
                "max_leases 10",
                "auto_time 0",
                "lease_file " + os.path.join(self.tmp, "udhcpd.leases"),
                "pidfile " + os.path.join(self.tmp, "udhcpd.pid"),
                "option subnet 255.255.255.0",
                "option router %s.254" % SUBNET,
                "option mtu 1400",
                "option lease 600",
                "option staticroutes %s/32 %s.2, 0.0.0.0/0 %s.254" % (METADATA_IP, SUBNET,
                                                                      SUBNET),
                ""]))
        open(os.path.join(self.tmp, "udhcpd.leases"), "w").close()
        # -a: udhcpd ARP-pings an address before offering it; the default 2 s wait would be
        # counted in the guest's boot time.
        self.dhcp_server = self.popen([BUSYBOX, "udhcpd", "-f", "-a", "100", conf], "udhcpd.log")

    def _start_metadata_server(self):
        self.metadata_log = os.path.join(self.tmp, "metadata-requests.log")
        self.metadata = {"instance-id": "i-%08x" % secrets.randbits(28),
                         "hostname": "vm-%s.novalocal" % secrets.token_hex(3),
                         "public-key": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI%s lab@neutrino"
                                       % secrets.token_hex(16)}
        self.metadata["meta_data.json"] = {
            "uuid": str(uuid.uuid4()), "name": "lab-" + self.prefix,
            "hostname": self.metadata["hostname"], "launch_index": 0,
            "availability_zone": "nova", "meta": {},
            "public_keys": {"lab": self.metadata["public-key"]},
            "project_id": secrets.token_hex(16)}
        documents = {
            "/2009-04-04/meta-data/instance-id": self.metadata["instance-id"],
            "/2009-04-04/meta-data/hostname": self.metadata["hostname"],
            "/2009-04-04/meta-data/public-keys/0/openssh-key": self.metadata["public-key"] + "\n",
            # Pretty-printed across lines, as a server may: the guest prints it on one line.
            "/openstack/latest/meta_data.json": json.dumps(self.metadata["meta_data.json"],
                                                           indent=2),
        }
        if self.user_data is not None:
            documents["/openstack/latest/user_data"] = self.user_data
        documents = json.dumps(documents)
        self.metadata_server = self.popen(
            [sys.executable, os.path.abspath(__file__), "serve-metadata", METADATA_IP,
             documents, self.metadata_log], "metadata.log")
        deadline = time.monotonic() + 10
        while self.run(["ss", "-Hltn", "src", METADATA_IP + ":80"]).stdout.strip() == "":
            if self.metadata_server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("metadata server did not start: " + self.log_text("metadata.log"))
            time.sleep(0.05)

    def log_text(self, name):
        try:
            with open(os.path.join(self.tmp, name), errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    def metadata_requests(self):
        return self.log_text("metadata-requests.log").split()

    def ping(self, address, attempts=10):
        """True once one ping of `address` from the namespace is answered."""
        for _ in range(attempts):
            if self.run(["ping", "-c", "1", "-W", "1", address], check=False).returncode == 0:
                return True
        return False

    # --- guests -----------------------------------------------------------------------------

    def boot(self, image, path, memory_mb=GUEST_MEMORY_MB, cmdline=None, initramfs=None,
             reboot=True):
        """Starts QEMU on the image. path: "direct" (vmlinux + initramfs), "direct-bzimage"
        (vmlinuz + initramfs) or "disk" (BIOS from the disk alone). The disk is attached in
        every case, as a qcow2 overlay backed by the raw image (Nova's layout)."""
        vm = GuestVm(self, image, path, "vm%d" % len(self.vms), memory_mb,
                     cmdline or image.kernel_cmdline, initramfs or image.path("initramfs"),
                     reboot)
        self.vms.append(vm)
        return vm

    def stop(self):
        for vm in self.vms:
            vm.kill()
        for proc in self.processes + ([self.holder] if self.holder else []):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self.processes = []
        self.holder = None
        if self.tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)
            self.tmp = None


class GuestVm:
    """One QEMU process; times are seconds since it was started."""

    def __init__(self, lab, image, path, name, memory_mb, cmdline, initramfs, reboot):
        self.lab = lab
        self.dir = os.path.join(lab.tmp, name)
        os.mkdir(self.dir)
        self.console_path = os.path.join(self.dir, "console.log")
        self.serial_path = os.path.join(self.dir, "serial.sock")
        self.qmp_path = os.path.join(self.dir, "qmp.sock")
        self.mac = "fa:16:3e:%02x:%02x:%02x" % tuple(secrets.token_bytes(3))
        disk = os.path.join(self.dir, "disk")
        subprocess.run(["qemu-img", "create", "-q", "-f", "qcow2", "-F", "raw", "-b",
                        image.path("raw"), disk], check=True)
        argv = [QEMU, "-machine", "pc,accel=tcg", "-m", str(memory_mb), "-smp", "1",
                "-nodefaults", "-no-user-config", "-display", "none",
                "-chardev", "socket,id=serial0,path=%s,server=on,wait=off,logfile=%s"
                % (self.serial_path, self.console_path),
                "-serial", "chardev:serial0",
                "-qmp", "unix:%s,server=on,wait=off" % self.qmp_path,
                "-netdev", "tap,id=net0,ifname=%s,script=no,downscript=no" % lab.tap,
                "-device", "virtio-net-pci,netdev=net0,mac=" + self.mac,
                "-drive", "file=%s,if=none,id=disk0,format=qcow2" % disk,
                "-device", "virtio-blk-pci,drive=disk0" + (",bootindex=0" if path == "disk" else "")]
        if not reboot:
            argv.append("-no-reboot")
        if path in ("direct", "direct-bzimage"):
            kernel = image.path("vmlinux" if path == "direct" else "vmlinuz")
            argv += ["-kernel", kernel, "-initrd", initramfs, "-append", cmdline]
        elif path != "disk":
            raise ValueError("unknown boot path " + path)
        self.started = time.monotonic()
        self.process = lab.popen(argv, name + "-qemu.log")
        self.name = name

    def console(self):
        try:
            with open(self.console_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def elapsed(self):
        return time.monotonic() - self.started

    def cpu_seconds(self):
        """CPU time QEMU has used so far: unlike elapsed(), barely moved by the machine's load."""
        with open("/proc/%d/stat" % self.process.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def wait_for(self, pattern, timeout=90, after=0):
        """Waits until the console (from character `after` on) matches `pattern`; returns
        (match, seconds since QEMU started)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            match = regex.search(self.console(), after)
            if match:
                return match, self.elapsed()
            if self.process.poll() is not None:
                raise AssertionError("QEMU exited %s before %r appeared\n%s\n%s" % (
                    self.process.returncode, pattern, self.lab.log_text(self.name + "-qemu.log"),
                    self.console()))
            if time.monotonic() > deadline:
                raise AssertionError("%r not on the console after %ds:\n%s"
                                     % (pattern, timeout, self.console()))
            time.sleep(0.1)

    def type(self, text):
        """Sends keystrokes to the serial console."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(self.serial_path)
            s.sendall(text.encode())
            time.sleep(0.5)  # QEMU drops what the guest has not read once the client leaves

    def qmp(self, command):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(10)
            s.connect(self.qmp_path)
            stream = s.makefile("rw")
            json.loads(stream.readline())  # greeting
            for request in ({"execute": "qmp_capabilities"}, {"execute": command}):
                stream.write(json.dumps(request) + "\n")
                stream.flush()
                while True:
                    reply = json.loads(stream.readline())
                    if "event" not in reply:
                        break
                if "error" in reply:
                    raise RuntimeError("QMP %s: %s" % (request["execute"], reply["error"]))

    def wait_exit(self, timeout):
        """QEMU's exit status, or None if it still runs after `timeout` seconds."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def serve_metadata(address, documents_json, request_log):
    """The metadata server GuestLab runs in its namespace: fixed documents, 404 otherwise."""
    import http.server

    documents = json.loads(documents_json)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            with open(request_log, "a") as log:
                log.write(self.path + "\n")
            body = documents.get(self.path)
            self.send_response(200 if body is not None else 404)
            payload = (body if body is not None else "404 Not Found\n").encode()
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    http.server.ThreadingHTTPServer((address, 80), Handler).serve_forever()


if __name__ == "__main__" and len(sys.argv) == 5 and sys.argv[1] == "serve-metadata":
    serve_metadata(*sys.argv[2:])
