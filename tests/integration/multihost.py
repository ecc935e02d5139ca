"""Simulated hypervisors on one machine, for the agent's integration tests.

Standard library only; run with /usr/bin/python3 as root.

A MultiHost is 2-3 SimulatedHosts joined by an underlay, all inside namespaces this module
creates, so no frame ever reaches the machine's own interfaces:

    underlay namespace (a process holding a network namespace)
      <p>bt  Linux bridge: the tunnel underlay, 192.168.250.0/24 (VXLAN between hosts)
      <p>bp  Linux bridge: the physnet underlay (no VLAN filtering, so 802.1Q frames cross it)
      <p>bm  Linux bridge: the management network, 192.168.251.254/24 on the bridge itself;
             MultiHost.forward() relays a TCP port from here to the controller on 127.0.0.1
      <p>ut<n>, <p>up<n>, <p>um<n>: the switch ports of host n (capture here)

    host n (a process holding network + mount + UTS namespaces; hostname = host name)
      /run/netns (and so /var/run/netns) is a private tmpfs: `ip netns add` inside the host,
      by anyone (the harness, the agent), is invisible to the machine and to the other hosts
      ovsdb-server + ovs-vswitchd (datapath_type=netdev), OVS_RUNDIR/DBDIR/LOGDIR private
      <p>t<n>  underlay NIC, in OVS bridge br-phy (other_config:hwaddr = the NIC's MAC);
               the tunnel IP 192.168.250.<n>/24 is on br-phy's internal port; an nftables
               netdev ingress `drop` on the NIC keeps the kernel from answering next to OVS
      <p>p<n>  physnet NIC, for the agent's physnet bridge (attach_physnet / add_to_bridge)
      <p>m<n>  management NIC, 192.168.251.<n>/24, plain kernel interface
      guests: namespaces in the host's private /run/netns, eth0 a veth whose peer
               tap<port id[:11]> is plugged into br-int the Nova/libvirt way (iface-id...)

Every process is started from this process (nsenter into the host's namespaces, which execs
the command: the PID is the daemon's) and waited for. stop() ends them by PID, kills the
holders (which frees every namespace, link, nftables table and guest with them) and removes
the temporary directory; it also runs when start() fails half-way, at exit (atexit) and on
SIGTERM/SIGHUP. Long-lived processes get PR_SET_PDEATHSIG=SIGKILL (setpriv), so even a
SIGKILLed test leaves nothing running; start them from the main thread (the death signal
follows the thread that forked them). sweep(prefix) removes what a run with that prefix left.

Per-host commands: host.run(argv or shell string), host.popen(...), host.vsctl/ofctl/appctl.

With the agent (the controller runs in this, the machine's, namespace; hosts reach it only
through the management relay):

    port = multihost.free_port()
    ctl = harness.ControllerProcess(extra_args=["--agent-listen", "127.0.0.1:%d" % port])
    ctl.start()
    mh = multihost.MultiHost(2).start()          # stop() in a cleanup
    relay = mh.forward(port)                     # 192.168.251.254:<port> inside every host
    for h in mh.hosts:
        h.start_agent(relay.hostport)            # HostDaemon: restart(), kill9(), log_text()
        h.attach_physnet()                       # waits for the agent's br-physnet1
    vm = mh[0].add_guest("vm1", port_id, mac, "10.0.0.5/24", mtu=1450, create_bridge=False)
    mh[0].wait_ping("vm1", "10.0.0.6")           # seconds until the first answer
    cap = mh.capture(mh[0]); ...; "vni 1234" in "\n".join(cap.stop())
    counter = mh[0].start_ping("vm1", "10.0.0.6", count=500); ...; counter.wait().lost == 0
"""

import atexit
import ctypes
import glob
import os
import re
import secrets
import select
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
VSWITCH_SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
MARKER = "NEUTRINO_MULTIHOST"        # env var set on every process the harness starts
TUNNEL_NET = "192.168.250"           # host n: 192.168.250.n/24 on br-phy
MGMT_NET = "192.168.251"             # host n: 192.168.251.n/24; the relay: .254
MGMT_GATEWAY = MGMT_NET + ".254"
PHYSNET_BRIDGE = "br-physnet1"
LIBVIRT_CONF_DIR = os.path.normpath(os.path.join(HERE, "..", "..", "scripts", "libvirt"))
LIBVIRT_DIRS = {"etc": "/etc/libvirt", "run": "/run/libvirt", "lib": "/var/lib/libvirt",
                "log": "/var/log/libvirt", "cache": "/var/cache/libvirt"}
TMP_ROOT = os.environ.get("NEUTRINO_MULTIHOST_TMP", "/tmp")


def bin_dir():
    return os.environ.get("NEUTRINO_BIN_DIR") or os.path.normpath(
        os.path.join(HERE, "..", "..", "build", "bin"))


class HostCommandError(RuntimeError):
    """A command run by the harness exited non-zero; carries its output."""

    def __init__(self, where, argv, returncode, stdout, stderr):
        super().__init__("[%s] %s exited %s\nstdout:\n%s\nstderr:\n%s"
                         % (where, " ".join(map(str, argv)), returncode, stdout, stderr))
        self.argv = argv
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


# --- process plumbing ------------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36
CLONE_NEWNET = 0x40000000


def become_subreaper():
    """Orphans of our children (e.g. a daemon's child after the daemon was killed) are
    re-parented to this process instead of PID 1, which here never reaps them; teardown reaps
    the ones that lived in our namespaces."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


_reaper_started = False


def _reap_orphaned_qemus():
    """libvirtd daemonizes QEMU (its guests and its capability probes), so as subreaper this
    process becomes their parent. libvirtd waits for a QEMU it killed to vanish from /proc,
    which a zombie never does (it gave up after ~40 s per process): reap them promptly. Only
    QEMU is reaped here; every other child belongs to a subprocess.Popen that waits for it."""
    me = os.getpid()
    while True:
        for pid in _proc_pids():
            if _ppid(pid) == me and _is_zombie_or_gone(pid) and \
                    _comm(pid).startswith("qemu-system"):
                try:
                    os.waitpid(pid, os.WNOHANG)
                except ChildProcessError:
                    pass
        time.sleep(0.05)


def start_qemu_reaper():
    global _reaper_started
    if not _reaper_started:
        _reaper_started = True
        threading.Thread(target=_reap_orphaned_qemus, name="qemu-reaper", daemon=True).start()


def _argv(cmd):
    if isinstance(cmd, str):
        return ["/bin/sh", "-c", cmd]
    return [str(a) for a in cmd]


def _base_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OS_", "OVS_"))}
    env["LC_ALL"] = "C"
    env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    return env


def _deathsig(argv, die_with_parent):
    return (["setpriv", "--pdeathsig", "KILL", "--"] + argv) if die_with_parent else argv


def _end_process(proc, sig=signal.SIGTERM, timeout=10):
    """Signal `proc` (a Popen), SIGKILL after `timeout`, always wait. Returns the exit code."""
    if proc is None:
        return None
    try:
        if proc.poll() is None:
            try:
                proc.send_signal(sig)
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:  # unkillable (D state): leave it
            pass
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
    return proc.returncode


def _read_line(stream, deadline):
    """One line from a pipe, or None at EOF / deadline."""
    buf = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(fd, 1)
        if not chunk:
            return buf.decode(errors="replace") if buf else None
        buf += chunk
        if chunk == b"\n":
            return buf.decode(errors="replace")
    return None


def _ns_id(pid, kind):
    try:
        return os.readlink("/proc/%d/ns/%s" % (pid, kind))
    except OSError:
        return None


def _proc_pids():
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _ppid(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return int(f.read().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _comm(pid):
    try:
        with open("/proc/%d/comm" % pid) as f:
            return f.read().strip()
    except OSError:
        return ""


def _is_zombie_or_gone(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")
    except (OSError, IndexError):
        return True


def _kill_and_reap(pids, timeout=5):
    """SIGKILL these pids; reap the ones that are our children; wait for the others to go."""
    me = os.getpid()
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + timeout
    for pid in pids:
        if _ppid(pid) == me:
            try:
                os.waitpid(pid, 0)
            except ChildProcessError:
                pass
            continue
        while not _is_zombie_or_gone(pid) and time.monotonic() < deadline:
            time.sleep(0.02)


def _members(ns_ids, exclude=()):
    """PIDs of processes in any of the given namespaces (ns_ids: {"mnt": "mnt:[...]", ...})."""
    found = []
    for pid in _proc_pids():
        if pid in exclude or pid == os.getpid():
            continue
        for kind, ident in ns_ids.items():
            if ident and _ns_id(pid, kind) == ident:
                found.append(pid)
                break
    return found


def _marked_pids(prefix):
    want = ("%s=%s" % (MARKER, prefix)).encode()
    found = []
    for pid in _proc_pids():
        if pid == os.getpid():
            continue
        try:
            with open("/proc/%d/environ" % pid, "rb") as f:
                if want in f.read().split(b"\0"):
                    found.append(pid)
        except OSError:
            pass
    return found


class _Holder:
    """A `sleep infinity` that keeps a set of fresh namespaces alive; `script` runs in them
    first (set -e) and must not print; the holder prints `ready` after it."""

    def __init__(self, what, unshare_flags, script, env, log_path, die_with_parent=True):
        self.what = what
        self.unshare_flags = unshare_flags
        self.script = script
        self.env = env
        self.log_path = log_path
        self.die_with_parent = die_with_parent
        self.proc = None

    @property
    def pid(self):
        return self.proc.pid if self.proc else None

    def start(self, timeout=15):
        script = "set -e\n%s\necho ready\nexec sleep infinity\n" % self.script
        argv = _deathsig(["unshare"] + self.unshare_flags + ["--", "/bin/sh", "-c", script],
                         self.die_with_parent)
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL,
                                         stdout=subprocess.PIPE, stderr=log)
        try:
            line = _read_line(self.proc.stdout, time.monotonic() + timeout)
        finally:
            self.proc.stdout.close()
        if line != "ready\n":
            _end_process(self.proc, signal.SIGKILL)
            with open(self.log_path, errors="replace") as f:
                raise RuntimeError("%s: namespace holder failed (%r):\n%s"
                                   % (self.what, line, f.read()))
        # only the namespaces of its own (the others are the machine's)
        kinds = {"--net": "net", "--mount": "mnt", "--uts": "uts"}
        self.ns = {kinds[f]: _ns_id(self.proc.pid, kinds[f])
                   for f in self.unshare_flags if f in kinds}
        return self

    def stop(self):
        if self.proc is not None:
            _end_process(self.proc, signal.SIGKILL)
            self.proc = None


def _run(where, argv, env, check=True, timeout=60, input=None):
    try:
        result = subprocess.run(argv, env=env, input=input,
                                stdin=None if input is not None else subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise HostCommandError(where, argv, "timeout after %ss" % timeout,
                               exc.stdout, exc.stderr) from None
    if check and result.returncode != 0:
        raise HostCommandError(where, argv, result.returncode, result.stdout, result.stderr)
    return result


# --- results and helpers ---------------------------------------------------------------------

class PingResult:
    """Parsed summary of an iputils ping."""

    _SUMMARY = re.compile(r"(\d+) packets transmitted, (\d+) received"
                          r"(?:, \+(\d+) duplicates)?(?:, \+(\d+) errors)?")

    def __init__(self, output, returncode):
        self.output = output
        self.returncode = returncode
        m = self._SUMMARY.search(output or "")
        self.sent = int(m.group(1)) if m else 0
        self.received = int(m.group(2)) if m else 0
        self.duplicates = int(m.group(3) or 0) if m else 0
        self.errors = int(m.group(4) or 0) if m else 0
        self.lost = self.sent - self.received
        self.parsed = m is not None

    @property
    def ok(self):
        return self.parsed and self.sent > 0 and self.lost == 0

    def __repr__(self):
        return ("PingResult(sent=%d, received=%d, lost=%d, duplicates=%d, errors=%d)"
                % (self.sent, self.received, self.lost, self.duplicates, self.errors))


class PingCounter:
    """`ping -i interval -c count` running in a guest in the background."""

    def __init__(self, host, proc, count, interval):
        self.host = host
        self.proc = proc
        self.count = count
        self.interval = interval
        self.result = None

    def wait(self, timeout=None):
        """Waits for ping to finish (count*interval + 15 s by default); returns PingResult."""
        if self.result is None:
            if timeout is None:
                timeout = self.count * self.interval + 15
            try:
                out, err = self.proc.communicate(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGINT)  # ping prints its summary on SIGINT
                out, err = self.proc.communicate(timeout=10)
            self.result = PingResult(out + err, self.proc.returncode)
            self.host._forget(self.proc)
        return self.result

    def stop(self):
        """Interrupts ping now (it prints the summary so far); returns PingResult."""
        if self.result is None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        return self.wait(timeout=10)


class Capture:
    """tcpdump on one underlay switch port, writing a pcap; stop() returns the decoded lines
    (`tcpdump -nn -e -r`), e.g. containing "VXLAN, flags [I] (0x08), vni 1234" or "vlan 150"."""

    def __init__(self, underlay, iface, pcap, bpf_filter=None):
        self.underlay = underlay
        self.iface = iface
        self.pcap = pcap
        self.bpf_filter = bpf_filter
        self.proc = None
        self.lines = None
        self.stderr = ""

    def start(self, timeout=10):
        # --immediate-mode: without it packets wait in the TPACKET_V3 ring for a block timeout
        # and SIGINT ends tcpdump before they are written ("received by filter" > captured)
        argv = ["tcpdump", "-i", self.iface, "--immediate-mode", "-U", "-Z", "root", "-nn",
                "-w", self.pcap]
        if self.bpf_filter:
            argv += self.bpf_filter.split() if isinstance(self.bpf_filter, str) \
                else list(self.bpf_filter)
        self.proc = self.underlay.popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while True:
            line = _read_line(self.proc.stderr, deadline)
            if line is None:
                self.stop()
                raise RuntimeError("tcpdump on %s did not start: %s" % (self.iface, self.stderr))
            self.stderr += line
            if "listening on" in line:
                return self

    def stop(self):
        """Stops tcpdump (SIGINT flushes the file) and decodes the capture; returns lines."""
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
            try:
                _, err = self.proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                _, err = self.proc.communicate()
            self.stderr += err.decode(errors="replace") if err else ""
            self.underlay._forget(self.proc)
            self.proc = None
            self.lines = self.decode()
        return self.lines

    def decode(self, extra_args=()):
        if not os.path.exists(self.pcap):
            return []
        result = subprocess.run(["tcpdump", "-nn", "-e", "-r", self.pcap] + list(extra_args),
                                stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                timeout=60)
        return result.stdout.splitlines()

    @property
    def text(self):
        return "\n".join(self.lines or [])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class HostDaemon:
    """A long-running process inside a host (the agent), with its own log file.

    start() / stop() (SIGTERM, then SIGKILL) / kill9() / restart(kill=False) / log_text() /
    wait_for_log(regex). Every exit is waited for.
    """

    def __init__(self, host, name, argv, env=None, log_path=None, die_with_parent=True):
        self.host = host
        self.name = name
        self.argv = [str(a) for a in argv]
        self.env = env
        self.log_path = log_path or os.path.join(host.ovs_logdir, name + ".log")
        self.die_with_parent = die_with_parent
        self.proc = None
        self.starts = 0

    @property
    def pid(self):
        return self.proc.pid if self.proc is not None else None

    @property
    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def start(self):
        if self.running:
            raise RuntimeError("%s is already running (pid %d)" % (self.name, self.proc.pid))
        if self.proc is not None:
            _end_process(self.proc)
        with open(self.log_path, "ab") as log:
            log.write(("=== harness: starting %s in %s\n"
                       % (" ".join(self.argv), self.host.name)).encode())
            log.flush()
            self.proc = self.host.popen(self.argv, env=self.env, stdout=log,
                                        stderr=subprocess.STDOUT,
                                        die_with_parent=self.die_with_parent, track=False)
        self.starts += 1
        return self

    def stop(self, timeout=10):
        """SIGTERM, SIGKILL after timeout; waits. Returns the exit code."""
        code = _end_process(self.proc, signal.SIGTERM, timeout)
        self.proc = None
        return code

    def kill9(self):
        """SIGKILL by PID, then wait. Returns the exit code (-9 unless it had already ended)."""
        code = _end_process(self.proc, signal.SIGKILL)
        self.proc = None
        return code

    def restart(self, kill=False, timeout=10):
        if kill:
            self.kill9()
        else:
            self.stop(timeout)
        return self.start()

    def log_text(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def wait_for_log(self, pattern, timeout=30, after=0):
        """Waits until `pattern` (regex) appears in the log past byte offset `after`; returns
        the match. Raises if the process exits or the time runs out."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            text = self.log_text()[after:]
            m = rx.search(text)
            if m:
                return m
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError("%s exited (%s) before logging %r:\n%s"
                                   % (self.name, self.proc and self.proc.returncode, pattern,
                                      text[-4000:]))
            if time.monotonic() > deadline:
                raise RuntimeError("%s did not log %r within %ss:\n%s"
                                   % (self.name, pattern, timeout, text[-4000:]))
            time.sleep(0.05)

    def log_size(self):
        try:
            return os.path.getsize(self.log_path)
        except OSError:
            return 0


class Guest:
    def __init__(self, host, name, port_id, mac, ip_cidr, dev, bridge, mtu):
        self.host = host
        self.name = name          # namespace name inside the host
        self.port_id = port_id    # external_ids:iface-id
        self.mac = mac
        self.ip_cidr = ip_cidr
        self.dev = dev            # host-side veth (the "tap") plugged into the bridge
        self.bridge = bridge
        self.mtu = mtu

    @property
    def ip(self):
        return self.ip_cidr.split("/")[0] if self.ip_cidr else None

    def run(self, cmd, **kw):
        return self.host.guest_run(self.name, cmd, **kw)

    def __repr__(self):
        return "Guest(%s on %s, %s, %s, %s)" % (self.name, self.host.name, self.dev, self.mac,
                                                 self.ip_cidr)


class TcpForwarder:
    """Listens on (ip, port) inside a namespace (a socket created after setns in a short-lived
    thread) and relays every connection to `target` from this process's namespace (e.g. the
    controller on 127.0.0.1). The target can be changed while running (controller restart on
    another port)."""

    def __init__(self, netns_pid, listen, target):
        self.netns_pid = netns_pid
        self.listen = listen
        self.target = target
        self.sock = None
        self._threads = []
        self._conns = set()
        self._lock = threading.Lock()
        self._stopping = False

    @property
    def address(self):
        return self.sock.getsockname()[:2]

    @property
    def hostport(self):
        return "%s:%d" % self.address

    def set_target(self, target):
        self.target = target

    def start(self):
        box = {}

        def make():
            try:
                fd = os.open("/proc/%d/ns/net" % self.netns_pid, os.O_RDONLY)
                try:
                    if _libc.setns(fd, CLONE_NEWNET) != 0:
                        raise OSError(ctypes.get_errno(), "setns")
                finally:
                    os.close(fd)
                s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind(self.listen)
                s.listen(64)
                box["sock"] = s
            except BaseException as exc:  # reported to the caller below
                box["error"] = exc
            # this thread ends here, with its namespace

        t = threading.Thread(target=make, name="netns-listen")
        t.start()
        t.join()
        if "error" in box:
            raise box["error"]
        self.sock = box["sock"]
        t = threading.Thread(target=self._accept_loop, name="forwarder", daemon=True)
        t.start()
        self._threads.append(t)
        return self

    def _accept_loop(self):
        while not self._stopping:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            t = threading.Thread(target=self._relay, args=(client,), daemon=True)
            t.start()
            self._threads.append(t)

    def _relay(self, client):
        try:
            upstream = socket.create_connection(self.target, timeout=5)
        except OSError:
            client.close()
            return
        upstream.settimeout(None)
        with self._lock:
            self._conns.update((client, upstream))
        socks = [client, upstream]
        try:
            while not self._stopping:
                ready, _, _ = select.select(socks, [], [], 0.5)
                for s in ready:
                    data = s.recv(65536)
                    other = upstream if s is client else client
                    if not data:
                        return
                    other.sendall(data)
        except OSError:
            pass
        finally:
            with self._lock:
                self._conns.discard(client)
                self._conns.discard(upstream)
            for s in socks:
                try:
                    s.close()
                except OSError:
                    pass

    def drop_connections(self):
        """Closes every relayed connection (as a network cut would; new ones still work)."""
        with self._lock:
            conns = list(self._conns)
        for s in conns:
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def stop(self):
        self._stopping = True
        if self.sock is not None:
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self.sock.close()
        self.drop_connections()
        for t in self._threads:
            t.join(timeout=5)
        self._threads = []


# --- the underlay switch -----------------------------------------------------------------------

class Underlay:
    """The shared L2 segments, as Linux bridges in a namespace of their own."""

    def __init__(self, cluster):
        self.cluster = cluster
        p = cluster.prefix
        self.tunnel_bridge = p + "bt"
        self.physnet_bridge = p + "bp"
        self.mgmt_bridge = p + "bm"
        self.holder = None
        self._procs = []

    @property
    def pid(self):
        return self.holder.pid

    def start(self):
        bridges = "\n".join(
            "ip link add %s type bridge stp_state 0 mcast_snooping 0\nip link set %s up"
            % (b, b) for b in (self.tunnel_bridge, self.physnet_bridge, self.mgmt_bridge))
        script = ("sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 "
                  "net.ipv6.conf.default.disable_ipv6=1\n"
                  "ip link set lo up\n%s\nip addr add %s/24 dev %s\n"
                  % (bridges, MGMT_GATEWAY, self.mgmt_bridge))
        self.holder = _Holder("underlay", ["--net", "--uts"], script, self.cluster.env(),
                              os.path.join(self.cluster.dir, "underlay.log"),
                              self.cluster.die_with_parent).start()
        return self

    def nsenter(self, argv):
        return ["nsenter", "--target", str(self.pid), "--net", "--uts", "--"] + _argv(argv)

    def run(self, cmd, check=True, timeout=60, input=None):
        return _run("underlay", self.nsenter(cmd), self.cluster.env(), check, timeout, input)

    def popen(self, cmd, die_with_parent=None, **kw):
        if die_with_parent is None:
            die_with_parent = self.cluster.die_with_parent
        kw.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(_deathsig(self.nsenter(cmd), die_with_parent),
                                env=self.cluster.env(), **kw)
        self._procs.append(proc)
        return proc

    def _forget(self, proc):
        if proc in self._procs:
            self._procs.remove(proc)

    def connect(self, host, kind, bridge, host_ifname, mac):
        """A veth pair: <p>u<kind><n> on `bridge` here, `host_ifname` in the host."""
        ul = "%su%s%d" % (self.cluster.prefix, kind, host.index)
        self.run(["sh", "-c",
                  "set -e; ip link add %s type veth peer name %s address %s netns %d;"
                  " ip link set %s master %s up" % (ul, host_ifname, mac, host.pid, ul, bridge)])
        return ul

    def stop(self):
        for proc in list(self._procs):
            _end_process(proc, signal.SIGTERM, 5)
        self._procs = []
        if self.holder is not None:
            # scan while the holder keeps the namespace (and so its inode number) alive: a
            # freed number can be reused at once by someone else's namespace
            _kill_and_reap(_members({"net": self.holder.ns.get("net")},
                                    exclude=(self.holder.pid,)))
            self.holder.stop()
            self.holder = None


# --- one hypervisor --------------------------------------------------------------------------

class SimulatedHost:
    """One hypervisor: network + mount + UTS namespaces (private /run/netns), its own
    ovsdb-server and ovs-vswitchd, an underlay NIC in br-phy carrying the tunnel IP, a physnet
    NIC and a management NIC, and guests plugged into br-int."""

    def __init__(self, cluster, index, name):
        self.cluster = cluster
        self.index = index
        self.name = name
        p = cluster.prefix
        self.dir = os.path.join(cluster.dir, name)
        self.ovs_rundir = os.path.join(self.dir, "run")
        self.ovs_dbdir = os.path.join(self.dir, "db")
        self.ovs_logdir = os.path.join(self.dir, "log")
        self.state_dir = os.path.join(self.dir, "state")
        self.instances_path = os.path.join(self.dir, "instances")
        self.db_socket = os.path.join(self.ovs_rundir, "db.sock")
        self.ovsdb = "unix:" + self.db_socket
        self.tunnel_ip = "%s.%d" % (TUNNEL_NET, index)
        self.tunnel_cidr = self.tunnel_ip + "/24"
        self.mgmt_ip = "%s.%d" % (MGMT_NET, index)
        self.nic = "%st%d" % (p, index)              # underlay NIC, in br-phy
        self.nic_mac = "02:4e:54:01:00:%02x" % index
        self.physnet_nic = "%sp%d" % (p, index)      # for br-physnet1
        self.physnet_mac = "02:4e:54:02:00:%02x" % index
        self.mgmt_nic = "%sm%d" % (p, index)
        self.mgmt_mac = "02:4e:54:03:00:%02x" % index
        self.underlay_ports = {}                    # kind -> switch port in the underlay ns
        self.holder = None
        self.ovsdb_server = None
        self.vswitchd = None
        self.guests = {}
        self.daemons = {}
        self._procs = []
        self.timings = {}

    # --- namespaces and commands ---------------------------------------------------------------

    @property
    def pid(self):
        """PID of the holder process: `nsenter --target PID --mount --net --uts` enters the
        host."""
        return self.holder.pid if self.holder else None

    def env(self, extra=None):
        env = self.cluster.env()
        env.update({"OVS_RUNDIR": self.ovs_rundir, "OVS_DBDIR": self.ovs_dbdir,
                    "OVS_LOGDIR": self.ovs_logdir, MARKER + "_HOST": self.name})
        if extra:
            env.update(extra)
        return env

    def nsenter(self, cmd, wd=None):
        return ["nsenter", "--target", str(self.pid), "--mount", "--net", "--uts",
                "--wd=" + (wd or self.dir), "--"] + _argv(cmd)

    def run(self, cmd, check=True, timeout=60, input=None, env=None):
        """Runs argv (or a shell string) inside the host; returns CompletedProcess (text).
        Raises HostCommandError when check and it exits non-zero."""
        return _run(self.name, self.nsenter(cmd), self.env(env), check, timeout, input)

    def popen(self, cmd, env=None, die_with_parent=None, track=True, wd=None, **kw):
        """subprocess.Popen of argv (or a shell string) inside the host. Tracked processes are
        ended and waited for by stop(); wait for others yourself."""
        if die_with_parent is None:
            die_with_parent = self.cluster.die_with_parent
        kw.setdefault("stdin", subprocess.DEVNULL)
        proc = subprocess.Popen(_deathsig(self.nsenter(cmd, wd), die_with_parent),
                                env=self.env(env), **kw)
        if track:
            self._procs.append(proc)
        return proc

    def _forget(self, proc):
        if proc in self._procs:
            self._procs.remove(proc)

    def vsctl(self, *args, timeout=30, wait=True, check=True):
        """ovs-vsctl on this host's OVSDB; returns stdout stripped. wait=False: --no-wait."""
        argv = ["ovs-vsctl", "--db=" + self.ovsdb, "--timeout=%d" % timeout]
        if not wait:
            argv.append("--no-wait")
        return self.run(argv + [str(a) for a in args], check=check,
                        timeout=timeout + 10).stdout.strip()

    def ofctl(self, *args, protocols="OpenFlow13", check=True):
        """ovs-ofctl -O OpenFlow13 (the agent's version) against this host's vswitchd."""
        argv = ["ovs-ofctl"] + (["-O", protocols] if protocols else [])
        return self.run(argv + [str(a) for a in args], check=check).stdout

    def appctl(self, *args, target="ovs-vswitchd", check=True):
        return self.run(["ovs-appctl", "-t", target] + [str(a) for a in args],
                        check=check).stdout

    def dump_flows(self, bridge="br-int", *args):
        return [line.strip() for line in self.ofctl("dump-flows", bridge, *args).splitlines()
                if "actions=" in line]

    def ofport(self, ifname):
        return int(self.vsctl("get", "Interface", ifname, "ofport"))

    def bridge_exists(self, bridge):
        return self.run(["ovs-vsctl", "--db=" + self.ovsdb, "br-exists", bridge],
                        check=False).returncode == 0

    def wait_for_bridge(self, bridge, timeout=30):
        deadline = time.monotonic() + timeout
        while not self.bridge_exists(bridge):
            if time.monotonic() > deadline:
                raise RuntimeError("%s: bridge %s did not appear within %ss"
                                   % (self.name, bridge, timeout))
            time.sleep(0.05)

    def ensure_bridge(self, bridge):
        """Creates `bridge` (datapath_type=netdev) unless it exists; idempotent like the
        agent's own bridge set-up."""
        self.vsctl("--may-exist", "add-br", bridge, "--", "set", "Bridge", bridge,
                   "datapath_type=netdev")

    def add_to_bridge(self, bridge, nic):
        self.vsctl("--may-exist", "add-port", bridge, nic)

    def attach_physnet(self, bridge=PHYSNET_BRIDGE, create=False, timeout=30):
        """Puts the physnet NIC into `bridge`: waits for the agent to create the bridge, or
        creates it (create=True)."""
        if create:
            self.ensure_bridge(bridge)
        else:
            self.wait_for_bridge(bridge, timeout)
        self.add_to_bridge(bridge, self.physnet_nic)

    def link_exists(self, ifname):
        return self.run(["ip", "link", "show", "dev", ifname], check=False).returncode == 0

    # --- bring-up ------------------------------------------------------------------------------

    def start(self):
        t0 = time.monotonic()
        for d in (self.ovs_rundir, self.ovs_dbdir, self.ovs_logdir, self.state_dir):
            os.makedirs(d, exist_ok=True)
        script = ("mkdir -p /run/netns\n"
                  "mount -t tmpfs -o mode=0755,size=4m neutrino-netns /run/netns\n"
                  "hostname %s\n"
                  "sysctl -q -w net.ipv6.conf.all.disable_ipv6=1 "
                  "net.ipv6.conf.default.disable_ipv6=1\n"
                  "ip link set lo up\n" % self.name)
        self.holder = _Holder(self.name, ["--mount", "--propagation", "private", "--net",
                                          "--uts"], script, self.env(),
                              os.path.join(self.dir, "holder.log"),
                              self.cluster.die_with_parent).start()
        ul = self.cluster.underlay
        self.underlay_ports["tunnel"] = ul.connect(self, "t", ul.tunnel_bridge, self.nic,
                                                   self.nic_mac)
        self.underlay_ports["physnet"] = ul.connect(self, "p", ul.physnet_bridge,
                                                    self.physnet_nic, self.physnet_mac)
        self.underlay_ports["mgmt"] = ul.connect(self, "m", ul.mgmt_bridge, self.mgmt_nic,
                                                 self.mgmt_mac)
        # The kernel must not answer on the NICs OVS owns: netdev ingress drop (AF_PACKET,
        # which OVS reads, sees frames before this hook).
        nft = "".join(
            "table netdev ntr_%s {\n chain ingress {\n  type filter hook ingress device"
            " \"%s\" priority 0; policy drop;\n }\n}\n" % (nic.replace("-", "_"), nic)
            for nic in (self.nic, self.physnet_nic))
        self.run(["nft", "-f", "-"], input=nft)
        self.run("set -e; ip link set %s up; ip link set %s up; ip link set %s up;"
                 " ip addr add %s/24 dev %s"
                 % (self.nic, self.physnet_nic, self.mgmt_nic, self.mgmt_ip, self.mgmt_nic))
        self.timings["namespaces"] = time.monotonic() - t0
        self.start_ovs()
        self.timings["total"] = time.monotonic() - t0
        return self

    def start_ovs(self):
        t0 = time.monotonic()
        db = os.path.join(self.ovs_dbdir, "conf.db")
        if not os.path.exists(db):
            self.run(["ovsdb-tool", "create", db, VSWITCH_SCHEMA])
        self.start_ovsdb_server()
        self.vsctl("--", "init", "--", "set", "Open_vSwitch", ".",
                   "external_ids:system-id=" + self.name,
                   "external_ids:hostname=" + self.name, wait=False)
        self.start_vswitchd()
        self.vsctl("--", "--may-exist", "add-br", "br-phy",
                   "--", "set", "Bridge", "br-phy", "datapath_type=netdev",
                   "fail_mode=standalone", "other_config:hwaddr=\"%s\"" % self.nic_mac,
                   "--", "--may-exist", "add-port", "br-phy", self.nic)
        self.configure_tunnel_ip()
        self.timings["ovs"] = time.monotonic() - t0

    def start_ovsdb_server(self, timeout=20):
        if self.ovsdb_server is not None and self.ovsdb_server.poll() is None:
            return
        try:
            os.unlink(self.db_socket)
        except FileNotFoundError:
            pass
        log = open(os.path.join(self.ovs_logdir, "ovsdb-server.out"), "ab")
        with log:
            self.ovsdb_server = self.popen(
                ["ovsdb-server", os.path.join(self.ovs_dbdir, "conf.db"),
                 "--remote=punix:" + self.db_socket,
                 "--remote=db:Open_vSwitch,Open_vSwitch,manager_options",
                 "--pidfile", "--log-file", "-vconsole:off"],
                stdout=log, stderr=subprocess.STDOUT, track=False)
        deadline = time.monotonic() + timeout
        while True:
            if self.ovsdb_server.poll() is not None:
                raise RuntimeError("%s: ovsdb-server exited with %d:\n%s"
                                   % (self.name, self.ovsdb_server.returncode,
                                      self.log_tail("ovsdb-server.log")))
            if os.path.exists(self.db_socket):
                r = self.run(["ovs-vsctl", "--db=" + self.ovsdb, "--timeout=5", "--no-wait",
                              "show"], check=False)
                if r.returncode == 0:
                    return
            if time.monotonic() > deadline:
                raise RuntimeError("%s: ovsdb-server did not serve %s within %ss"
                                   % (self.name, self.db_socket, timeout))
            time.sleep(0.02)

    def start_vswitchd(self):
        if self.vswitchd is not None and self.vswitchd.poll() is None:
            return
        log = open(os.path.join(self.ovs_logdir, "ovs-vswitchd.out"), "ab")
        with log:
            # --disable-system: there is no kernel datapath here, do not probe for one.
            self.vswitchd = self.popen(
                ["ovs-vswitchd", self.ovsdb, "--pidfile", "--log-file", "-vconsole:off",
                 "--disable-system"],
                stdout=log, stderr=subprocess.STDOUT, track=False)
        # any change makes ovs-vsctl wait until vswitchd has applied the configuration
        try:
            self.vsctl("set", "Open_vSwitch", ".", "external_ids:harness-started=%d"
                       % self.vswitchd.pid)
        except HostCommandError as exc:
            raise RuntimeError("%s: ovs-vswitchd did not come up: %s\n%s"
                               % (self.name, exc, self.log_tail("ovs-vswitchd.log"))) from None

    def configure_tunnel_ip(self, timeout=10):
        """The operator's step: tunnel IP on br-phy's internal port, link up. Needed again after
        every ovs-vswitchd start (the netdev internal port is a tap that dies with vswitchd)."""
        deadline = time.monotonic() + timeout
        while not self.link_exists("br-phy"):
            if time.monotonic() > deadline:
                raise RuntimeError("%s: br-phy has no kernel device:\n%s"
                                   % (self.name, self.log_tail("ovs-vswitchd.log")))
            time.sleep(0.02)
        self.run("set -e; ip addr replace %s dev br-phy; ip link set br-phy up"
                 % self.tunnel_cidr)

    def stop_vswitchd(self, kill=False):
        code = _end_process(self.vswitchd, signal.SIGKILL if kill else signal.SIGTERM)
        self.vswitchd = None
        return code

    def restart_vswitchd(self, kill=False):
        """Stops ovs-vswitchd (SIGTERM, or SIGKILL with kill=True), starts it again, waits for
        it to apply the database and re-applies the tunnel IP. Returns seconds taken."""
        t0 = time.monotonic()
        self.stop_vswitchd(kill)
        self.start_vswitchd()
        self.configure_tunnel_ip()
        return time.monotonic() - t0

    def stop_ovsdb_server(self, kill=False):
        code = _end_process(self.ovsdb_server, signal.SIGKILL if kill else signal.SIGTERM)
        self.ovsdb_server = None
        return code

    def restart_ovsdb_server(self, kill=False, down=0.0):
        """Stops ovsdb-server (SIGTERM, or SIGKILL with kill=True), leaves it down for `down`
        seconds, starts it again on the same database and waits until it serves. ovs-vswitchd
        keeps running (and forwarding) and reconnects by itself. Returns seconds taken."""
        t0 = time.monotonic()
        self.stop_ovsdb_server(kill)
        time.sleep(down)
        self.start_ovsdb_server()
        return time.monotonic() - t0

    def log_tail(self, name, lines=40):
        try:
            with open(os.path.join(self.ovs_logdir, name), errors="replace") as f:
                return "".join(f.readlines()[-lines:])
        except OSError:
            return ""

    # --- guests --------------------------------------------------------------------------------

    @staticmethod
    def tap_name(port_id):
        """Nova's name for a port's device: tap + the first 11 characters of the port id."""
        return ("tap" + port_id)[:14]

    def add_guest(self, name, port_id, mac, ip_cidr=None, mtu=None, gateway=None,
                  bridge="br-int", create_bridge=True, bridge_timeout=30, ipv6=False,
                  dev=None, vm_id=None, plug=True):
        """A guest: namespace `name` in this host, eth0 (MAC `mac`, TX checksum offload off,
        optional address/MTU/default route), its veth peer `dev` (default tap<port id[:11]>)
        plugged into `bridge` with external_ids:iface-id=port_id, attached-mac, iface-status.
        If the bridge is missing it is created (datapath_type=netdev), or with
        create_bridge=False waited for (the agent creates br-int). Returns the Guest."""
        if name in self.guests:
            raise ValueError("%s: guest %s exists" % (self.name, name))
        dev = dev or self.tap_name(port_id)
        mtu_arg = " mtu %d" % mtu if mtu else ""
        lines = ["set -e", "ip netns add %s" % name]
        if not ipv6:
            lines.append("ip netns exec %s sysctl -q -w net.ipv6.conf.all.disable_ipv6=1"
                         " net.ipv6.conf.default.disable_ipv6=1" % name)
        lines += [
            "ip link add %s%s type veth peer name eth0 address %s%s netns %s"
            % (dev, mtu_arg, mac, mtu_arg, name),
            "ip link set %s up" % dev,
            "ip -n %s link set lo up" % name,
            "ip netns exec %s ethtool -K eth0 tx off >/dev/null" % name,
            "ip -n %s link set eth0 up" % name,
        ]
        if ip_cidr:
            lines.append("ip -n %s addr add %s dev eth0" % (name, ip_cidr))
        if gateway:
            lines.append("ip -n %s route add default via %s" % (name, gateway))
        guest = Guest(self, name, port_id, mac, ip_cidr, dev, bridge, mtu)
        self.guests[name] = guest
        self.run("\n".join(lines))
        if plug:
            self.plug_guest(name, create_bridge=create_bridge, bridge_timeout=bridge_timeout,
                            vm_id=vm_id)
        return guest

    def plug_guest(self, name, create_bridge=True, bridge_timeout=30, vm_id=None):
        """Adds the guest's device to its bridge the Nova/libvirt way."""
        g = self.guests[name]
        args = []
        if create_bridge:
            args += ["--", "--may-exist", "add-br", g.bridge,
                     "--", "set", "Bridge", g.bridge, "datapath_type=netdev"]
        else:
            self.wait_for_bridge(g.bridge, bridge_timeout)
        ids = ["external_ids:iface-id=%s" % g.port_id,
               "external_ids:attached-mac=\"%s\"" % g.mac,
               "external_ids:iface-status=active"]
        if vm_id:
            ids.append("external_ids:vm-uuid=%s" % vm_id)
        args += ["--", "--may-exist", "add-port", g.bridge, g.dev,
                 "--", "set", "Interface", g.dev] + ids
        self.vsctl(*args)

    def unplug_guest(self, name):
        """Removes the guest's device from OVS (the guest and its veth stay)."""
        self.vsctl("--if-exists", "del-port", self.guests[name].dev)

    def remove_guest(self, name):
        g = self.guests.pop(name)
        self.vsctl("--if-exists", "del-port", g.dev)
        self.run("ip link del %s 2>/dev/null; ip netns del %s" % (g.dev, g.name))

    def guest_argv(self, name, cmd):
        return ["ip", "netns", "exec", name] + _argv(cmd)

    def guest_run(self, name, cmd, check=True, timeout=60, input=None):
        return self.run(self.guest_argv(name, cmd), check=check, timeout=timeout, input=input)

    def guest_popen(self, name, cmd, **kw):
        return self.popen(self.guest_argv(name, cmd), **kw)

    def ping(self, guest, dst, count=1, interval=0.2, wait=1, timeout=None):
        """A ping from a guest, waited for; returns PingResult (never raises on loss)."""
        argv = ["ping", "-n", "-c", str(count), "-i", str(interval), "-W", str(wait), dst]
        r = self.guest_run(guest, argv, check=False,
                           timeout=timeout or count * interval + wait + 10)
        return PingResult(r.stdout + r.stderr, r.returncode)

    def wait_ping(self, guest, dst, timeout=10):
        """Pings (one packet, 0.2 s wait) until one is answered; returns the seconds it took.
        Raises with the last output when `timeout` passes."""
        t0 = time.monotonic()
        while True:
            r = self.ping(guest, dst, count=1, wait=0.2)
            if r.ok:
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise AssertionError("%s/%s: no answer from %s within %ss:\n%s"
                                     % (self.name, guest, dst, timeout, r.output))

    def start_ping(self, guest, dst, count=100, interval=0.01):
        """`ping -i 0.01 -c N` (100 packets/s) in the background; .wait() or .stop() give the
        counts (sent/received/lost)."""
        argv = ["ping", "-n", "-q", "-c", str(count), "-i", str(interval), dst]
        proc = self.guest_popen(guest, argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)
        return PingCounter(self, proc, count, interval)

    # --- daemons -------------------------------------------------------------------------------

    def start_daemon(self, name, argv, env=None, log_path=None):
        """Starts argv inside the host as a HostDaemon named `name` (log: <logdir>/name.log)."""
        if name in self.daemons and self.daemons[name].running:
            raise RuntimeError("%s: daemon %s is running" % (self.name, name))
        d = HostDaemon(self, name, argv, env=env, log_path=log_path,
                       die_with_parent=self.cluster.die_with_parent)
        self.daemons[name] = d
        return d.start()

    def agent_argv(self, controller, binary=None, bridge_mappings="physnet1:" + PHYSNET_BRIDGE,
                   extra=()):
        """The command line of neutrino-agent for this host (issue 3's flags)."""
        return [binary or os.path.join(bin_dir(), "neutrino-agent"),
                "--controller", controller, "--host", self.name, "--tunnel-ip", self.tunnel_ip,
                "--ovsdb", self.ovsdb, "--ovs-rundir", self.ovs_rundir,
                "--datapath-type", "netdev", "--bridge-mappings", bridge_mappings,
                "--state-dir", self.state_dir] + list(extra)

    def compute_argv(self, image_service, instances_path=None, vcpus=2, memory_mb=2048,
                     disk_gb=20, shutdown_timeout=5, virt_type=None):
        """The agent flags of a compute host (add to agent_argv(extra=...)); needs
        start_libvirt()."""
        return ["--compute", "--image-service", image_service,
                "--instances-path", instances_path or self.instances_path,
                "--compute-vcpus", str(vcpus), "--compute-memory-mb", str(memory_mb),
                "--compute-disk-gb", str(disk_gb), "--shutdown-timeout", str(shutdown_timeout),
                "--virt-type", virt_type or test_virt_type()]

    def start_agent(self, controller, name="neutrino-agent", **kw):
        """neutrino-agent inside the host; `controller` is HOST:PORT as seen from the host
        (e.g. MultiHost.forward(port).hostport)."""
        return self.start_daemon(name, self.agent_argv(controller, **kw))

    # --- libvirt -------------------------------------------------------------------------------

    def start_libvirt(self, timeout=30):
        """virtlogd + libvirtd of this host, inside its namespaces: guests' taps land in this
        host's network namespace and libvirt's ovs-vsctl reaches this host's ovsdb-server.
        The host's private mount namespace gets its own /etc/libvirt (scripts/libvirt/*.conf),
        /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt (bind mounts of
        <host dir>/libvirt/...) and /run/openvswitch (the host's OVS run dir), so
        qemu:///system inside the host is this libvirtd and nobody else's. Returns seconds
        taken. Guests (qemu) die with the host in stop().

        Guests get domain type qemu (TCG, what CI has) from compute_argv() and the tests'
        --virt-type unless NEUTRINO_TEST_VIRT_TYPE says otherwise (test_virt_type())."""
        t0 = time.monotonic()
        start_qemu_reaper()
        base = os.path.join(self.dir, "libvirt")
        for sub in LIBVIRT_DIRS:
            os.makedirs(os.path.join(base, sub), exist_ok=True)
        for conf in ("qemu.conf", "libvirtd.conf", "virtlogd.conf"):
            shutil.copy(os.path.join(LIBVIRT_CONF_DIR, conf), os.path.join(base, "etc", conf))
        os.makedirs(self.instances_path, exist_ok=True)
        binds = [(os.path.join(base, sub), target) for sub, target in LIBVIRT_DIRS.items()]
        binds.append((self.ovs_rundir, "/run/openvswitch"))
        # libvirtd resolves the host name at every domain start; without an entry the lookup
        # waits for a name server no simulated host can reach (~15 s per start)
        hosts = os.path.join(base, "hosts")
        with open("/etc/hosts") as src, open(hosts, "w") as dst:
            dst.write(src.read() + "\n127.0.1.1 %s\n" % self.name)
        binds.append((hosts, "/etc/hosts"))
        self.run("set -e\n" + "\n".join(
            ("" if t == "/etc/hosts" else "mkdir -p %s\n" % t) +
            "mountpoint -q %s || mount --bind %s %s" % (t, src, t)
            for src, t in binds))
        self.start_daemon("virtlogd", ["virtlogd", "--pid-file", "/run/libvirt/virtlogd.pid"])
        self.start_daemon("libvirtd", ["libvirtd", "--pid-file", "/run/libvirt/libvirtd.pid"],
                          env={"LIBVIRT_LOG_OUTPUTS": "3:stderr"})
        socket_path = os.path.join(base, "run", "libvirt-sock")
        deadline = time.monotonic() + timeout
        while True:
            d = self.daemons["libvirtd"]
            if not d.running:
                raise RuntimeError("%s: libvirtd exited:\n%s" % (self.name, d.log_text()[-4000:]))
            with socket.socket(socket.AF_UNIX) as s:
                try:
                    s.connect(socket_path)
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                raise RuntimeError("%s: libvirtd did not answer within %ss:\n%s"
                                   % (self.name, timeout, d.log_text()[-4000:]))
            time.sleep(0.05)
        self.timings["libvirt"] = time.monotonic() - t0
        return self.timings["libvirt"]

    def restart_libvirtd(self, kill=False):
        """Stops libvirtd (SIGKILL with kill=True, as a crash) and starts it again; running
        guests survive, as with a real libvirtd restart. Returns seconds until it answers."""
        d = self.daemons["libvirtd"]
        (d.kill9 if kill else d.stop)()
        t0 = time.monotonic()
        d.start()
        socket_path = os.path.join(self.dir, "libvirt", "run", "libvirt-sock")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket(socket.AF_UNIX) as s:
                try:
                    s.connect(socket_path)
                    return time.monotonic() - t0
                except OSError:
                    time.sleep(0.05)
        raise RuntimeError("%s: libvirtd did not come back:\n%s"
                           % (self.name, d.log_text()[-4000:]))

    def qemu_pids(self):
        """PIDs of this host's QEMU processes (its guests)."""
        if self.holder is None:
            return []
        return [pid for pid in _members({"net": self.holder.ns.get("net")})
                if _comm(pid).startswith("qemu-system")]

    # --- teardown ------------------------------------------------------------------------------

    def stop(self):
        """Ends everything of this host, by PID, and waits; frees its namespaces."""
        errors = []
        for d in list(self.daemons.values()):
            try:
                d.stop(timeout=5)
            except Exception as exc:  # keep tearing down
                errors.append(exc)
        for proc in list(self._procs):
            _end_process(proc, signal.SIGTERM, 5)
        self._procs = []
        for attr in ("vswitchd", "ovsdb_server"):
            _end_process(getattr(self, attr), signal.SIGTERM, 10)
            setattr(self, attr, None)
        if self.holder is not None:
            # anything else still in the host (started behind the harness' back, or orphans),
            # scanned while the holder keeps the namespaces (and their inode numbers) alive
            _kill_and_reap(_members(self.holder.ns, exclude=(self.holder.pid,)))
            self.holder.stop()
            self.holder = None
        self.guests = {}
        if errors:
            raise errors[0]

    def __repr__(self):
        return "SimulatedHost(%s, tunnel %s, pid %s)" % (self.name, self.tunnel_ip, self.pid)


# --- the whole set-up ------------------------------------------------------------------------

_live = []
_live_lock = threading.Lock()
_handlers_installed = False


def _cleanup_all():
    with _live_lock:
        clusters = list(_live)
    for c in clusters:
        try:
            c.stop()
        except Exception:
            pass


def _on_signal(signum, frame):
    _cleanup_all()
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)


def _install_handlers():
    global _handlers_installed
    if _handlers_installed:
        return
    _handlers_installed = True
    atexit.register(_cleanup_all)
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGHUP):
            if signal.getsignal(sig) in (signal.SIG_DFL, None):
                signal.signal(sig, _on_signal)


def test_virt_type():
    """The domain type test guests get: NEUTRINO_TEST_VIRT_TYPE (auto, kvm, qemu), default qemu
    (TCG): what CI has, and on a machine with a nested /dev/kvm the faster one (measured
    here: SeaBIOS reached a boot sector in 21 s under that KVM, 0.35 s under TCG)."""
    return os.environ.get("NEUTRINO_TEST_VIRT_TYPE", "qemu")


def free_port():
    """A TCP port free on 127.0.0.1 right now (for --agent-listen)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_prefix():
    """A short unique prefix ("nm" + 4 hex digits) not used by a live run on this machine."""
    while True:
        prefix = "nm" + secrets.token_hex(2)
        if not glob.glob(os.path.join(TMP_ROOT, prefix + "-*")) and not _marked_pids(prefix):
            return prefix


class MultiHost:
    """2-3 SimulatedHosts on one underlay. Context manager, or start()/stop(); stop() always
    cleans up everything, also after a failed start().

        with MultiHost(2) as mh:
            h1, h2 = mh.hosts
            h1.add_guest("vm1", port_id, "fa:16:3e:00:00:01", "10.0.0.1/24", mtu=1450)
            ...
    """

    def __init__(self, hosts=2, prefix=None, names=None, die_with_parent=True,
                 keep_dir=False):
        if isinstance(hosts, int):
            names = names or ["h%d" % (i + 1) for i in range(hosts)]
        else:
            names = list(hosts)
        if not 1 <= len(names) <= 9:
            raise ValueError("1 to 9 hosts")
        self.names = names
        self.prefix = prefix or new_prefix()
        if len(self.prefix) > 8:
            raise ValueError("prefix %r too long: interface names are limited to 15 chars"
                             % self.prefix)
        self.die_with_parent = die_with_parent
        self.keep_dir = keep_dir or bool(os.environ.get("NEUTRINO_MULTIHOST_KEEP"))
        self.dir = None
        self.underlay = None
        self.hosts = []
        self.captures = []
        self.forwarders = []
        self.timings = {}

    def env(self):
        env = _base_env()
        env[MARKER] = self.prefix
        return env

    def host(self, name):
        return next(h for h in self.hosts if h.name == name)

    def __getitem__(self, i):
        return self.hosts[i]

    def start(self):
        if os.geteuid() != 0:
            raise RuntimeError("the multi-host harness needs root")
        _install_handlers()
        become_subreaper()
        with _live_lock:
            _live.append(self)
        t0 = time.monotonic()
        try:
            self.dir = tempfile.mkdtemp(prefix=self.prefix + "-", dir=TMP_ROOT)
            os.chmod(self.dir, 0o755)
            self.underlay = Underlay(self).start()
            for i, name in enumerate(self.names, start=1):
                th = time.monotonic()
                host = SimulatedHost(self, i, name)
                self.hosts.append(host)
                host.start()
                self.timings[name] = time.monotonic() - th
        except BaseException:
            self.stop()
            raise
        self.timings["total"] = time.monotonic() - t0
        return self

    def wait_underlay(self, timeout=10):
        """Every host reaches every other host's tunnel IP through br-phy (ARP learned)."""
        deadline = time.monotonic() + timeout
        for a in self.hosts:
            for b in self.hosts:
                if a is b:
                    continue
                while True:
                    r = a.run(["ping", "-n", "-c", "1", "-W", "0.5", b.tunnel_ip], check=False)
                    if r.returncode == 0:
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError("%s cannot reach %s's tunnel IP %s:\n%s"
                                           % (a.name, b.name, b.tunnel_ip, r.stdout))

    def prime_tunnel_neighbors(self):
        """Optional: puts every peer's tunnel IP -> MAC into each host's OVS tunnel neighbor
        cache (`ovs-appctl tnl/neigh/set br-phy IP MAC`). Without it the userspace datapath
        resolves a VXLAN next hop on first use and drops that packet (the guest's ARP retry
        then costs ~1 s before the first cross-host ping); the kernel's own ARP does not fill
        this cache. Lost again when ovs-vswitchd restarts."""
        for h in self.hosts:
            for peer in self.hosts:
                if peer is not h:
                    h.appctl("tnl/neigh/set", "br-phy", peer.tunnel_ip, peer.nic_mac)

    def capture(self, host, network="tunnel", bpf_filter=None, name=None):
        """Starts tcpdump on `host`'s port of the underlay switch (`network`: tunnel, physnet,
        mgmt); returns the running Capture (stop() -> decoded lines)."""
        if isinstance(host, str):
            host = self.host(host)
        iface = host.underlay_ports[network]
        pcap = os.path.join(self.dir, "%s-%d.pcap" % (name or iface, len(self.captures)))
        cap = Capture(self.underlay, iface, pcap, bpf_filter)
        self.captures.append(cap)
        return cap.start()

    def forward(self, target_port, target_host="127.0.0.1", listen_port=None):
        """Makes TCP `target_host:target_port` of this (the root) namespace reachable from every
        host at MGMT_GATEWAY:listen_port (default: the same port number). Returns the running
        TcpForwarder (.hostport is the agent's --controller)."""
        fwd = TcpForwarder(self.underlay.pid,
                           (MGMT_GATEWAY, target_port if listen_port is None else listen_port),
                           (target_host, target_port)).start()
        self.forwarders.append(fwd)
        return fwd

    def stop(self):
        """Ends every process (by PID, waited for), frees namespaces, removes the directory."""
        for cap in self.captures:
            try:
                cap.stop()
            except Exception:
                pass
        for fwd in self.forwarders:
            fwd.stop()
        self.forwarders = []
        for host in reversed(self.hosts):
            try:
                host.stop()
            except Exception:
                pass
        if self.underlay is not None:
            self.underlay.stop()
            self.underlay = None
        # last resort: anything still carrying our marker
        _kill_and_reap(_marked_pids(self.prefix))
        if self.dir is not None and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
        with _live_lock:
            if self in _live:
                _live.remove(self)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def __repr__(self):
        return "MultiHost(%s, %s)" % (self.prefix, [h.name for h in self.hosts])


def sweep(prefix, tmp_root=None):
    """Removes what a run with `prefix` left behind (e.g. after SIGKILL with
    die_with_parent=False): processes carrying its marker (killed, reaped when they are ours),
    hence its namespaces, plus its temporary directories and, defensively, any interface or
    named namespace of the machine itself starting with the prefix (the harness creates none).
    Returns a description of what was removed."""
    if not prefix or len(prefix) < 3:
        raise ValueError("refusing to sweep prefix %r" % prefix)
    removed = []
    pids = _marked_pids(prefix)
    if pids:
        _kill_and_reap(pids)
        removed.append("processes %s" % pids)
    for d in glob.glob(os.path.join(tmp_root or TMP_ROOT, prefix + "-*")):
        shutil.rmtree(d, ignore_errors=True)
        removed.append(d)
    links = subprocess.run(["ip", "-o", "link", "show"], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL).stdout
    for m in re.finditer(r"^\d+: ([^:@ ]+)", links, re.M):
        if m.group(1).startswith(prefix):
            subprocess.run(["ip", "link", "del", m.group(1)], capture_output=True,
                           stdin=subprocess.DEVNULL)
            removed.append("link " + m.group(1))
    if os.path.isdir("/run/netns"):
        for ns in os.listdir("/run/netns"):
            if ns.startswith(prefix):
                subprocess.run(["ip", "netns", "del", ns], capture_output=True,
                               stdin=subprocess.DEVNULL)
                removed.append("netns " + ns)
    return removed


if __name__ == "__main__":
    # `python3 multihost.py sweep PREFIX` from a shell; `python3 multihost.py demo` brings up
    # two hosts, prints their timings and tears them down.
    import sys
    if len(sys.argv) == 3 and sys.argv[1] == "sweep":
        print("\n".join(sweep(sys.argv[2])) or "nothing left")
    elif len(sys.argv) == 2 and sys.argv[1] == "demo":
        with MultiHost(2) as mh:
            mh.wait_underlay()
            print(mh, {k: round(v, 3) for k, v in mh.timings.items()})
            for h in mh.hosts:
                print(h, {k: round(v, 3) for k, v in h.timings.items()})
    else:
        print("usage: multihost.py sweep PREFIX | demo", file=sys.stderr)
        sys.exit(2)
