"""Networks' availability zones and the DHCP agent scheduler as an operator drives them with
the `openstack` CLI, on two simulated hypervisors each running a real neutrino-agent
(multihost_cloud.py).

A host's DHCP agent serves a network when its guests need it (qdhcp-<network> runs there);
`openstack network agent add network --dhcp` gives a network to another host's agent (its
namespace appears there) and `... remove network --dhcp` takes it away (the namespace goes,
the guests stay). A network's availability_zones are the zones of the DHCP agents serving it;
its availability_zone_hints must name zones DHCP agents report.
"""
import unittest

import harness
import multihost_cloud


class DhcpSchedulerCliTest(multihost_cloud.MultiHostCloud):

    def dhcp_agent(self, host):
        return next(a for a in self.alive_agents("DHCP agent") if a["host"] == host.name)

    def namespaces(self, host):
        return host.run("ip netns list").stdout

    def wait_namespace(self, host, net, present):
        name = "qdhcp-" + net["id"]
        self.wait_for(lambda: (name in self.namespaces(host)) == present,
                      "%s %s on %s" % (name, "present" if present else "gone", host.name),
                      timeout=20)

    def hosting(self, net):
        rows = self.ctl.openstack("network", "agent", "list", "--network", net["id"], "-f",
                                  "json")
        self.assertTrue(all(r["Agent Type"] == "DHCP agent" for r in rows), rows)
        return sorted(r["Host"] for r in rows)

    def test_availability_zone_hints_name_zones_of_dhcp_agents(self):
        created = self.ctl.openstack("network", "create", "--availability-zone-hint", "nova",
                                     "az-hinted", "-f", "json")
        self.addCleanup(self.ctl.openstack, "network", "delete", created["id"])
        self.assertEqual(created["availability_zone_hints"], ["nova"])
        self.assertEqual(created["availability_zones"], [])  # no agent serves it yet
        with self.assertRaises(harness.CommandError) as refused:
            self.ctl.openstack("network", "create", "--availability-zone-hint", "az-missing",
                               "az-refused")
        self.assertIn("AvailabilityZone az-missing could not be found", refused.exception.stderr)
        names = [n["Name"] for n in self.ctl.openstack("network", "list", "-f", "json")]
        self.assertNotIn("az-refused", names)
        # Hints are fixed once given (Neutron: allow_put False).
        resp = self.api("PUT", "/v2.0/networks/" + created["id"],
                        {"network": {"availability_zone_hints": []}})
        self.assertEqual(resp.status, 400, resp)

    def test_add_and_remove_a_network_on_dhcp_agents(self):
        h0, h1 = self.mh.hosts
        net = self.network("10.91.0.0/24")
        self.guest(h0, "g0", net, "10.91.0.5")
        self.wait_namespace(h0, net, True)
        self.assertEqual(self.hosting(net), [h0.name])
        shown = self.ctl.openstack("network", "show", net["id"], "-f", "json")
        self.assertEqual(shown["availability_zones"], ["nova"])
        self.assertNotIn("qdhcp-" + net["id"], self.namespaces(h1))

        agent1 = self.dhcp_agent(h1)["id"]
        self.ctl.openstack("network", "agent", "add", "network", "--dhcp", agent1, net["id"])
        self.wait_namespace(h1, net, True)
        self.assertEqual(self.hosting(net), sorted([h0.name, h1.name]))
        on_agent = self.ctl.openstack("network", "list", "--agent", agent1, "-f", "json")
        self.assertEqual([n["ID"] for n in on_agent], [net["id"]])
        # Twice is Neutron's 409 (raw HTTP: the CLI's SDK call does not check the answer).
        twice = self.api("POST", "/v2.0/agents/%s/dhcp-networks" % agent1,
                         {"network_id": net["id"]})
        self.assertEqual(twice.status, 409, twice)
        self.assertEqual(twice.json()["NeutronError"]["type"], "NetworkHostedByDHCPAgent")

        agent0 = self.dhcp_agent(h0)["id"]
        self.ctl.openstack("network", "agent", "remove", "network", "--dhcp", agent0, net["id"])
        self.wait_namespace(h0, net, False)
        self.assertEqual(self.hosting(net), [h1.name])
        self.assertIn("g0", h0.guests)  # the guest stays; only its host's DHCP server went
        resp = self.api("DELETE", "/v2.0/agents/%s/dhcp-networks/%s" % (agent0, net["id"]))
        self.assertEqual(resp.status, 409, resp)
        # Given back, the network's namespace returns on the guest's host.
        self.ctl.openstack("network", "agent", "add", "network", "--dhcp", agent0, net["id"])
        self.wait_namespace(h0, net, True)

    def test_only_admins_see_or_change_dhcp_scheduling(self):
        net = self.network("10.92.0.0/24")
        self.ctl.create_member("dhcpproj", "dhcpuser", "dhcppass")
        token = self.ctl.token("dhcpuser", "dhcpproj", "dhcppass")
        agent = self.dhcp_agent(self.mh.hosts[0])["id"]
        for method, path, body in (
                ("GET", "/v2.0/networks/%s/dhcp-agents" % net["id"], None),
                ("GET", "/v2.0/agents/%s/dhcp-networks" % agent, None),
                ("POST", "/v2.0/agents/%s/dhcp-networks" % agent, {"network_id": net["id"]})):
            resp = self.ctl.request(method, path, body, token=token)
            self.assertEqual(resp.status, 403, (method, path, resp))
        self.assertEqual(self.hosting(net), [])


if __name__ == "__main__":
    unittest.main()
