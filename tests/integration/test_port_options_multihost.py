"""Allowed address pairs and extra DHCP options on simulated hypervisors, set through the
`openstack` CLI as a user would (port set --allowed-address / --extra-dhcp-option).

Allowed address pairs: two guests on two hosts run keepalived (VRRP) for one virtual IP that
both ports list as a pair; a third guest reaches the VIP on whichever guest holds it, before
and after the master goes away; the holder can speak from the VIP to a guest whose default
group admits only members (the pair counts as a member address); a guest without the pair that
claims the VIP (address, gratuitous ARP, pings from it) reaches nobody and poisons no cache.

Extra DHCP options: a real busybox udhcpc in a guest sees the port's tftp-server, bootfile-name,
a custom numeric option, an MTU override and the next-server address, and a guest on the same
network without them sees none.
"""

import os
import re
import subprocess
import time
import unittest

import multihost_cloud

KEEPALIVED = "/usr/sbin/keepalived"


class PortOptionsMultiHostTest(multihost_cloud.MultiHostCloud):

    def cli(self, *args):
        return self.ctl.openstack(*args)

    def port(self, port_id):
        return self.api("GET", "/v2.0/ports/" + port_id).json()["port"]

    def neighbour_mac(self, host, guest, ip):
        out = host.guest_run(guest, "ip neigh show " + ip).stdout
        m = re.search(r"lladdr ([0-9a-f:]{17})", out)
        return m.group(1) if m else None

    def keepalived(self, host, guest, priority, vip):
        conf = "/tmp/%s-%s-keepalived.conf" % (self.mh.prefix, guest)
        with open(conf, "w") as f:
            f.write("""global_defs {
  router_id %(guest)s
}
vrrp_instance VIP {
  state BACKUP
  interface eth0
  virtual_router_id 61
  priority %(priority)d
  advert_int 1
  virtual_ipaddress {
    %(vip)s/24 dev eth0
  }
}
""" % {"guest": guest, "priority": priority, "vip": vip})
        self.addCleanup(os.remove, conf)
        pids = ["/tmp/%s-%s-%s.pid" % (self.mh.prefix, guest, kind)
                for kind in ("main", "vrrp")]
        proc = host.guest_popen(guest, [
            KEEPALIVED, "--dont-fork", "--log-console", "--vrrp", "--use-file", conf,
            "--pid", pids[0], "--vrrp_pid", pids[1]],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def stop():
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)
            for p in pids:
                if os.path.exists(p):
                    os.remove(p)
        self.addCleanup(stop)
        return proc, stop

    def holds(self, host, guest, vip):
        return (" %s/" % vip) in host.guest_run(guest, "ip -4 -o addr show dev eth0").stdout

    @unittest.skipUnless(os.path.exists(KEEPALIVED), "keepalived is not installed "
                         "(scripts/install-deps.sh installs it)")
    def test_vrrp_vip_follows_its_master_and_nobody_else_can_claim_it(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.61.0.0/24")
        vip = "10.61.0.100"
        a = self.guest(h1, "vipa", net, ip="10.61.0.11")
        b = self.guest(h2, "vipb", net, ip="10.61.0.12")
        c = self.guest(h2, "vipc", net, ip="10.61.0.13")
        self.guest(h1, "vipd", net, ip="10.61.0.14")
        for p in (a, b):
            self.cli("port", "set", "--allowed-address", "ip-address=" + vip, p["id"])
        shown = self.cli("port", "show", a["id"], "-f", "json")
        self.assertEqual(shown["allowed_address_pairs"],
                         [{"ip_address": vip, "mac_address": a["mac_address"]}])

        # a (priority 150) becomes master, b stays backup.
        started = time.monotonic()
        self.keepalived(h2, "vipb", 100, vip)
        _, stop_a = self.keepalived(h1, "vipa", 150, vip)
        self.wait_for(lambda: self.holds(h1, "vipa", vip), "vipa holds the VIP", timeout=30)
        print("\nkeepalived: master after %.1f s" % (time.monotonic() - started))
        self.wait_for(lambda: h2.ping("vipc", vip, count=1, wait=1).received == 1,
                      "vipc reaches the VIP", timeout=15)
        self.assertEqual(self.neighbour_mac(h2, "vipc", vip), a["mac_address"])
        self.assertFalse(self.holds(h2, "vipb", vip))
        # From the VIP to c, whose default group admits members only: the pair is a member.
        self.assertGreater(self.ping_from(h1, "vipa", vip, c["ip"]), 0)

        # The master goes away: b takes the VIP over and announces it.
        stop_a()
        h1.guest_run("vipa", "ip addr flush dev eth0 to %s/32" % vip, check=False)
        started = time.monotonic()
        self.wait_for(lambda: self.holds(h2, "vipb", vip), "vipb takes the VIP", timeout=30)
        self.wait_for(lambda: self.neighbour_mac(h2, "vipc", vip) == b["mac_address"] and
                      h2.ping("vipc", vip, count=1, wait=1).received == 1,
                      "vipc reaches the VIP on vipb", timeout=15)
        print("keepalived: failover to the backup in %.1f s" % (time.monotonic() - started))

        # d has no pair: claiming the VIP gets it nowhere.
        h1.guest_run("vipd", "ip addr add %s/32 dev eth0" % vip)
        h1.guest_run("vipd", "arping -U -c 2 -w 2 -I eth0 %s" % vip, check=False)
        h1.guest_run("vipd", "arping -A -c 2 -w 2 -I eth0 %s" % vip, check=False)
        self.assertEqual(self.ping_from(h1, "vipd", vip, c["ip"]), 0)
        self.assertEqual(self.neighbour_mac(h2, "vipc", vip), b["mac_address"])
        self.assertEqual(h2.ping("vipc", vip, count=2, wait=1, interval=0.2).received, 2)

        # Pairs go with port security: the API says so in Neutron's words.
        r = self.api("PUT", "/v2.0/ports/" + a["id"],
                     {"port": {"port_security_enabled": False, "security_groups": []}})
        self.assertEqual(r.status, 409, r.body)
        self.assertEqual(r.json()["NeutronError"]["type"], "AddressPairAndPortSecurityRequired")

    def ping_from(self, host, guest, source, dst):
        r = host.guest_run(guest, "ping -n -c 2 -i 0.2 -W 1 -I %s %s" % (source, dst),
                           check=False)
        m = re.search(r"(\d+) received", r.stdout)
        return int(m.group(1)) if m else 0

    def test_udhcpc_sees_its_ports_extra_options_only(self):
        h1, _ = self.mh.hosts
        net = self.network("10.62.0.0/24")
        ports = []
        for name in ("opta", "optb"):
            port = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "binding:host_id": h1.name}}).json()["port"]
            self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + port["id"])
            h1.add_guest(name, port["id"], port["mac_address"], None, create_bridge=False)
            self.addCleanup(lambda n=name: n in h1.guests and h1.remove_guest(n))
            ports.append(port)
        self.cli("port", "set",
                 "--extra-dhcp-option", "name=tftp-server,value=10.62.0.9",
                 "--extra-dhcp-option", "name=bootfile-name,value=pxelinux.0",
                 "--extra-dhcp-option", "name=224,value=neutrino-custom",
                 "--extra-dhcp-option", "name=mtu,value=1400",
                 "--extra-dhcp-option", "name=server-ip-address,value=10.62.0.9",
                 "--extra-dhcp-option", "name=tftp-server,value=2001:db8::9,ip-version=6",
                 ports[0]["id"])
        opts = self.cli("port", "show", ports[0]["id"], "-f", "json")["extra_dhcp_opts"]
        self.assertEqual(len(opts), 6, opts)
        self.assertIn({"opt_name": "mtu", "opt_value": "1400", "ip_version": 4}, opts)
        self.wait_for(lambda: self.dhcp_port(net, h1) and
                      self.dhcp_port(net, h1)["status"] == "ACTIVE", "DHCP port ACTIVE")

        script = "/tmp/%s-udhcpc-opts.sh" % self.mh.prefix
        with open(script, "w") as f:
            f.write('#!/bin/sh\necho "event=$1 ip=$ip mtu=$mtu tftp=$tftp bootfile=$bootfile '
                    'siaddr=$siaddr opt224=$opt224"\n')
        os.chmod(script, 0o755)
        self.addCleanup(os.remove, script)

        def lease(guest):
            out = h1.guest_run(guest, "busybox udhcpc -i eth0 -n -q -f -t 5 -T 1 -O tftp "
                               "-O bootfile -O 224 -s " + script, check=False).stdout
            bound = [line for line in out.splitlines() if line.startswith("event=bound")]
            return bound[0] + " " if bound else ""

        self.wait_for(lambda: "10.62.0.9" in lease("opta"), "the options on the port's lease",
                      timeout=20)
        got = lease("opta")
        self.assertIn("ip=%s " % ports[0]["fixed_ips"][0]["ip_address"], got)
        self.assertIn("tftp=10.62.0.9 ", got)
        self.assertIn("bootfile=pxelinux.0 ", got)
        self.assertIn("mtu=1400 ", got)
        self.assertIn("siaddr=10.62.0.9 ", got)
        # busybox shows options it has no name for in hex.
        self.assertIn("opt224=%s " % b"neutrino-custom".hex(), got)
        other = lease("optb")
        self.assertIn("tftp= bootfile= ", other)
        self.assertIn("mtu=1450 ", other)
        self.assertIn("opt224= ", other)

        # Removing one option (an empty value through the API is Neutron's null) takes it off.
        r = self.api("PUT", "/v2.0/ports/" + ports[0]["id"], {"port": {"extra_dhcp_opts": [
            {"opt_name": "mtu", "opt_value": None}]}})
        self.assertEqual(r.status, 200, r.body)
        self.wait_for(lambda: "mtu=1450 " in lease("opta"), "the network's MTU back",
                      timeout=20)


if __name__ == "__main__":
    unittest.main()
