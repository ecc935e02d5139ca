"""Agents and availability zones as an operator sees them through the `openstack` CLI, with two
simulated hypervisors each running a real neutrino-agent (multihost_cloud.py).

Each agent does the work of Neutron's Open vSwitch, DHCP and metadata agents, so each host
lists as those three agents, alive from the heartbeats of its push channel. The DHCP agents
carry the host's availability zone (the agent's --availability-zone, "nova" by default), which
`openstack availability zone list` shows. A stopped agent shows dead once agent_down_time has
passed without a heartbeat; a deleted one registers again at its next heartbeat; the records
live in the store and survive a controller restart.
"""
import time
import unittest

import multihost_cloud

DOWN_TIME = 6  # seconds (--agent-down-time); heartbeats every 2 s (--agent-heartbeat)
TYPES = {"Open vSwitch agent", "DHCP agent", "Metadata agent"}


class AgentCliTest(multihost_cloud.MultiHostCloud):

    CONTROLLER_ARGS = ("--agent-down-time", str(DOWN_TIME))

    def agents_of(self, host):
        return {a["agent_type"]: a for a in self.alive_agents(agent_type=None)
                if a["host"] == host.name}

    def wait_all_alive(self, timeout=30):
        self.wait_for(lambda: all(set(self.agents_of(h)) == TYPES for h in self.mh.hosts),
                      "three alive agents on every host", timeout=timeout)

    def test_each_host_lists_its_three_agents_alive_and_its_zone(self):
        self.wait_all_alive()
        listed = self.ctl.openstack("network", "agent", "list", "-f", "json")
        by_host = {}
        for row in listed:
            self.assertIn(row["Alive"], (True, ":-)"), row)
            self.assertTrue(row["State"] in (True, "UP"), row)
            by_host.setdefault(row["Host"], set()).add(row["Agent Type"])
        self.assertEqual(by_host, {h.name: TYPES for h in self.mh.hosts})

        dhcp = self.ctl.openstack("network", "agent", "list", "--agent-type", "dhcp", "-f",
                                  "json")
        self.assertEqual(sorted(r["Host"] for r in dhcp), sorted(h.name for h in self.mh.hosts))
        self.assertTrue(all(r["Availability Zone"] == "nova" for r in dhcp), dhcp)
        shown = self.ctl.openstack("network", "agent", "show", dhcp[0]["ID"], "-f", "json")
        self.assertEqual(shown["agent_type"], "DHCP agent")
        self.assertEqual(shown["topic"], "dhcp_agent")
        self.assertEqual(shown["binary"], "neutrino-agent")

        zones = self.ctl.openstack("availability", "zone", "list", "--network", "-f", "json")
        self.assertEqual(zones, [{"Zone Name": "nova", "Zone Status": "available"}])
        # Any project may list zones; only admins see agents.
        self.ctl.create_member("azproj", "azuser", "azpass")
        self.assertEqual(self.ctl.openstack("network", "agent", "list", "-f", "json",
                                            user="azuser", project="azproj",
                                            password="azpass"), [])
        resp = self.ctl.request("GET", "/v2.0/availability_zones?state=available",
                                token=self.ctl.token("azuser", "azproj", "azpass"))
        self.assertEqual(resp.json()["availability_zones"],
                         [{"name": "nova", "resource": "network", "state": "available"}])

    def test_disabling_every_dhcp_agent_makes_the_zone_unavailable(self):
        self.wait_all_alive()
        ids = [self.agents_of(h)["DHCP agent"]["id"] for h in self.mh.hosts]
        for agent_id in ids:
            self.addCleanup(self.ctl.openstack, "network", "agent", "set", "--enable", agent_id)
            self.ctl.openstack("network", "agent", "set", "--disable", "--description",
                               "drained", agent_id)
        shown = self.ctl.openstack("network", "agent", "show", ids[0], "-f", "json")
        self.assertEqual((shown["admin_state_up"], shown["description"]), (False, "drained"))
        resp = self.api("GET", "/v2.0/availability_zones")
        self.assertEqual(resp.json()["availability_zones"],
                         [{"name": "nova", "resource": "network", "state": "unavailable"}])

    def test_a_stopped_agent_is_dead_after_the_down_time_and_alive_again_after_restart(self):
        self.wait_all_alive()
        host = self.mh.hosts[1]
        daemon = host.daemons["neutrino-agent"]
        stopped = time.monotonic()
        daemon.stop()
        self.addCleanup(lambda: daemon.running or daemon.start())

        def all_dead():
            rows = [a for a in self.api("GET", "/v2.0/agents").json()["agents"]
                    if a["host"] == host.name]
            return len(rows) == 3 and not any(a["alive"] for a in rows)
        self.wait_for(all_dead, "the stopped host's agents dead", timeout=DOWN_TIME + 30)
        dead_after = time.monotonic() - stopped
        print("\nagents of a stopped host shown dead after %.1f s (down time %d s)"
              % (dead_after, DOWN_TIME))
        self.assertGreaterEqual(dead_after, DOWN_TIME - 2)  # its last heartbeat may be 2 s old
        listed = self.ctl.openstack("network", "agent", "list", "--host", host.name, "-f",
                                    "json")
        self.assertEqual(len(listed), 3)
        self.assertTrue(all(r["Alive"] in (False, "XXX") for r in listed), listed)
        self.assertTrue(all(set(self.agents_of(h)) == TYPES for h in self.mh.hosts[:1]))
        daemon.start()
        self.wait_all_alive()

    def test_a_deleted_agent_registers_again_and_records_survive_a_restart(self):
        self.wait_all_alive()
        host = self.mh.hosts[0]
        dhcp = self.agents_of(host)["DHCP agent"]
        self.ctl.openstack("network", "agent", "delete", dhcp["id"])
        self.wait_for(lambda: "DHCP agent" in self.agents_of(host),
                      "the deleted DHCP agent registering again", timeout=15)
        self.assertNotEqual(self.agents_of(host)["DHCP agent"]["id"], dhcp["id"])

        before = {a["id"]: a["created_at"] for a in self.alive_agents(agent_type=None)}
        self.assertEqual(len(before), 6)
        self.ctl.restart()
        type(self).token = self.ctl.token()
        self.wait_all_alive(timeout=60)
        after = {a["id"]: a["created_at"] for a in self.alive_agents(agent_type=None)}
        self.assertEqual(after, before)


if __name__ == "__main__":
    unittest.main()
