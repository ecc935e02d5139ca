"""Agents given several controllers fail over when the one they use dies (issue 10): two
controllers on one real PostgreSQL, two simulated hypervisors whose agents are given both
(--controller A,B), guests on both hosts pinging each other 100 times a second and holding an
established TCP stream. The controller the agents use is killed with SIGKILL: each agent must
reconnect to the other within a bound (measured and printed), the guests' traffic must not
notice (the agents keep their flows while they have no controller), and a port created
afterwards through the surviving controller must reach the agents and carry traffic.

Both agents start while only controller A runs, so both use A (an agent whose random first
pick is B, not yet up, moves on to A at once); B starts next and the agents stay on A, as they
do when a controller comes back.
"""

import json
import re
import signal
import time

import guest_stream
import harness
import multihost
import multihost_cloud
from postgres_server import PostgresServer
from test_agent_faults import TrafficMeter

SECRET = multihost_cloud.SECRET
STREAM_PORT = 5901


class ControllerFailoverTest(multihost_cloud.MultiHostCloud):

    @classmethod
    def controller(cls, agent_port):
        return harness.ControllerProcess(extra_args=[
            "--database", cls.db.url, "--agent-listen", "127.0.0.1:%d" % agent_port,
            "--agent-secret", SECRET, "--agent-heartbeat", "2",
            "--network-vlan-ranges", "physnet1:100:199", "--flat-networks", "physnet1"])

    @classmethod
    def setUpClass(cls):
        cls.db = PostgresServer().start()
        cls.controllers = []
        cls.mh = None
        try:
            ports = [multihost.free_port(), multihost.free_port()]
            cls.a, cls.b = cls.controller(ports[0]), cls.controller(ports[1])
            cls.controllers = [cls.a, cls.b]
            cls.a.start()
            cls.ctl = cls.a
            cls.mh = multihost.MultiHost(cls.HOSTS)
            cls.mh.start()
            cls.relays = [cls.mh.forward(port) for port in ports]
            cls.controller_list = ",".join(r.hostport for r in cls.relays)
            cls.agents = [h.start_agent(cls.controller_list, extra=("--agent-secret", SECRET))
                          for h in cls.mh.hosts]
            for h in cls.mh.hosts:
                h.attach_physnet()
            for agent in cls.agents:
                agent.wait_for_log("connected to the controller at " +
                                   re.escape(cls.relays[0].hostport), timeout=30)
            cls.b.start()
            cls.token = cls.a.token()
            cls.wait_for(lambda: len(cls.alive_agents()) == cls.HOSTS, "every agent alive")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        if cls.mh is not None:
            cls.mh.stop()
        for c in cls.controllers:
            c.stop()
        cls.db.stop()

    def tcp_stream(self, client_host, client, server_host, server):
        """An echo server in `server` and a client in `client` streaming to it; returns the
        client process, which prints its figures on SIGTERM."""
        return guest_stream.start(self, client_host, client, server_host, server, STREAM_PORT)

    def guest(self, host, name, net, **kw):
        port = super().guest(host, name, net, **kw)
        port["name"] = name
        return port

    def test_kill_9_of_the_agents_controller_moves_them_to_the_other(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.71.0.0/24")
        g1 = self.guest(h1, "fo1", net)
        g2 = self.guest(h2, "fo2", net)
        h1.wait_ping("fo1", g2["ip"], timeout=10)
        stream = self.tcp_stream(h1, g1, h2, g2)
        meters = [TrafficMeter(h1, "fo1", g2["ip"]), TrafficMeter(h2, "fo2", g1["ip"])]
        offsets = [agent.log_size() for agent in self.agents]
        time.sleep(1.5)

        killed = time.monotonic()
        self.assertEqual(self.a.kill(), -9)
        reconnect = []
        for agent, offset in zip(self.agents, offsets):
            agent.wait_for_log("connected to the controller at " +
                               re.escape(self.relays[1].hostport), after=offset, timeout=30)
            reconnect.append(round(time.monotonic() - killed, 3))
        type(self).ctl = self.b
        type(self).token = self.b.token()
        self.wait_for(lambda: len(self.alive_agents()) == 2, "agents alive at B", timeout=15)

        # Ports created through the survivor reach both agents and carry traffic.
        g3 = self.guest(h1, "fo3", net)
        g4 = self.guest(h2, "fo4", net)
        h1.wait_ping("fo3", g4["ip"], timeout=10)
        time.sleep(1)
        traffic = [m.stop() for m in meters]
        stream.send_signal(signal.SIGTERM)
        figures = json.loads(stream.communicate(timeout=15)[0].strip().splitlines()[-1])
        logs = [agent.log_text()[offset:] for agent, offset in zip(self.agents, offsets)]
        print("\nkill -9 of the agents' controller: agents on the other controller after %s s "
              "(h1, h2; by their logs); traffic h1->h2 %s, h2->h1 %s; TCP stream %s; ports "
              "created afterwards ACTIVE in %.3f s and %.3f s"
              % (reconnect, traffic[0], traffic[1], figures, g3["active_after"],
                 g4["active_after"]))

        # Generous on 2 shared cores: measured 0.1-0.3 s (docs/postgresql.md).
        self.assertLess(max(reconnect), 10.0, reconnect)
        for log in logs:
            self.assertIn("lost " + self.relays[0].hostport, log)
        # The agents kept their flows: no outage. A lone lost ping on these starved cores is
        # not one (test_agent_faults); a flow missing for a moment loses every 10 ms ping in it.
        for t in traffic:
            self.assertLess(t["gap"], 0.5, traffic)
            self.assertLessEqual(t["lost"], t["sent"] // 100, traffic)
        self.assertIsNone(figures["error"], figures)
        self.assertGreater(figures["echoed"], 100, figures)
        self.assertLess(figures["max_gap"], 1.0, figures)
        for port in (g1, g2, g3, g4):
            self.assertEqual(
                self.api("GET", "/v2.0/ports/" + port["id"]).json()["port"]["status"], "ACTIVE")


if __name__ == "__main__":
    import unittest
    unittest.main()
