"""A short run of neutrino-agent (and the controller it talks to) for the sanitizer flavours
(sanitized.py, ./test.sh): one simulated hypervisor, one guest port wired the Nova way. The
guest gets its lease from the agent's DHCP server, pings the network's DHCP port through br-int
and reads its instance id through the metadata proxy; then the port goes, and both daemons must
end cleanly on SIGTERM (their exit codes are where LeakSanitizer and ThreadSanitizer report).

Under the main flavour's binaries it is an ordinary (if redundant) integration test.
"""

import os
import unittest

import multihost_cloud


class AgentSmokeTest(multihost_cloud.MultiHostCloud):

    HOSTS = 1

    def dhcp_port(self, net):
        ports = self.api("GET", "/v2.0/ports?device_owner=network:dhcp&network_id=" +
                         net["id"]).json()["ports"]
        return ports[0] if ports and ports[0]["status"] == "ACTIVE" else None

    def test_guest_is_wired_served_and_both_daemons_exit_cleanly(self):
        (host,) = self.mh.hosts
        net = self.network("10.61.0.0/24")
        instance = self.api("POST", "/v2.1/neutrino/instances", {"instance": {
            "name": "smoke"}}).json()["instance"]
        self.addCleanup(self.api, "DELETE", "/v2.1/neutrino/instances/" + instance["id"])
        guest = self.guest(host, "smoke1", net, device_id=instance["id"])

        self.wait_for(lambda: self.dhcp_port(net), "the DHCP port ACTIVE")
        server = self.dhcp_port(net)["fixed_ips"][0]["ip_address"]
        script = "/tmp/%s-udhcpc.sh" % self.mh.prefix
        with open(script, "w") as f:
            f.write('#!/bin/sh\necho "event=$1 ip=$ip serverid=$serverid"\n')
        os.chmod(script, 0o755)
        self.addCleanup(os.remove, script)
        out = host.guest_run("smoke1", "busybox udhcpc -i eth0 -n -q -f -t 5 -T 1 -s " + script,
                             check=False).stdout
        self.assertIn("event=bound ip=%s serverid=%s" % (guest["ip"], server), out)

        self.assert_ping(host, "smoke1", server)
        host.guest_run("smoke1", "ip route add 169.254.169.254/32 via " + server)
        r = host.guest_run("smoke1", ["curl", "-s", "-m", "10",
                                      "http://169.254.169.254/latest/meta-data/instance-id"])
        self.assertEqual(r.stdout, instance["ec2_id"])

        self.doCleanups()  # guest, port, network and instance go while both daemons run
        self.wait_for(lambda: "qdhcp-" + net["id"] not in host.run("ip netns list").stdout,
                      "the DHCP namespace removed")
        agent = host.daemons["neutrino-agent"]
        code = agent.stop()
        with open(agent.log_path, errors="replace") as log:
            self.assertEqual(code, 0, log.read()[-4000:])
        self.assertEqual(self.ctl.terminate(), 0, self.ctl.log_text()[-4000:])


if __name__ == "__main__":
    unittest.main()
