"""Floating IPs in the OpenFlow pipeline (issue 11): 1:1 conntrack NAT on the host of the
associated port. An external flat network on physnet1 (admin, through the API) whose subnet's
gateway address is an "outside" interface on the physnet underlay; a tenant network behind a
router made with the real `openstack` CLI, guests on two simulated hosts. Outside reaches a
guest through its floating IP and sees the floating IP as the guest's source; moving the
floating IP moves the traffic to the other host's guest; disassociating stops it; the guest's
security group still decides what comes in; a TCP stream through it survives an agent restart.
"""

import time
import unittest

from l3_cloud import L3Cloud, OUTSIDE_IP

STREAM_PORT = 5614


class FloatingIpNatTest(L3Cloud):

    # --- tests -----------------------------------------------------------------------------

    def test_floating_ip_in_out_move_and_disassociate(self):
        h1, h2 = self.mh.hosts
        external = self.external_network()
        tenant = self.network("10.64.1.0/24")
        # Without source NAT, a port without a floating IP reaches nothing outside.
        self.router("fip-router", external, tenant, snat=False)
        group = self.open_group()
        self.admit(group, "tcp")
        a = self.routed_guest(h1, "fipa", tenant, "10.64.1.10", group)
        b = self.routed_guest(h2, "fipb", tenant, "10.64.1.20", group)
        self.serve_who(h1, "fipa")
        self.serve_who(h2, "fipb")
        # Without a floating IP nothing leaves.
        self.assert_no_ping(h1, "fipa", OUTSIDE_IP)

        fip = self.ctl.openstack("floating", "ip", "create", external["id"], "-f", "json")
        self.addCleanup(self.api, "DELETE", "/v2.0/floatingips/" + fip["id"])
        address = fip["floating_ip_address"]
        t0 = time.monotonic()
        self.ctl.openstack("floating", "ip", "set", "--port", a["id"], address)
        cli = time.monotonic() - t0
        self.wait_for(lambda: self.outside_who(address) is not None, "TCP in through the FIP")
        print("\nfloating ip set --port -> first TCP answer from outside: %.3f s (CLI %.3f s)"
              % (time.monotonic() - t0, cli))
        # In: DNAT to a, which sees outside's own address.
        self.assertEqual(self.outside_who(address), "fipa " + OUTSIDE_IP)
        # The security group decides: ICMP is not admitted yet, then it is.
        self.assertFalse(self.outside_ping(address, wait=1))
        self.admit(group, "icmp")
        self.wait_for(lambda: self.outside_ping(address), "ping in through the FIP")
        # Out: a reaches outside from the floating address.
        self.assert_ping(h1, "fipa", OUTSIDE_IP)
        self.serve_outside_who()
        self.assertEqual(self.guest_who(h1, "fipa", OUTSIDE_IP), "outside " + address)
        self.assert_stream_survives_agent_restart(
            lambda argv, **kw: h1.guest_popen("fipa", argv, **kw), self.mh.underlay.popen,
            address, STREAM_PORT, h1.daemons["neutrino-agent"], "through the FIP")
        # b has no floating IP: it still cannot leave.
        self.assert_no_ping(h2, "fipb", OUTSIDE_IP)

        # Move to b (another host): b's traffic leaves from the address, and what comes in
        # for it reaches b once the physical network has seen the address's MAC from b's host.
        t0 = time.monotonic()
        self.ctl.openstack("floating", "ip", "set", "--port", b["id"], address)
        self.wait_for(lambda: h2.ping("fipb", OUTSIDE_IP, wait=0.5).ok, "b out via the FIP")
        self.assertEqual(self.guest_who(h2, "fipb", OUTSIDE_IP), "outside " + address)
        self.wait_for(lambda: self.outside_who(address) == "fipb " + OUTSIDE_IP,
                      "TCP in to b through the moved FIP")
        print("floating ip moved -> b answers from outside: %.3f s" % (time.monotonic() - t0))
        self.assert_no_ping(h1, "fipa", OUTSIDE_IP)

        # Disassociated: nothing in, nothing out.
        self.ctl.openstack("floating", "ip", "unset", "--port", address)
        self.wait_for(lambda: not self.outside_ping(address), "the FIP to stop answering")
        self.assertIsNone(self.outside_who(address))
        self.assert_no_ping(h2, "fipb", OUTSIDE_IP)


if __name__ == "__main__":
    unittest.main()
