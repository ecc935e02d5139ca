"""binding-extended on two simulated hypervisors, driven as Nova's live migration drives it
(raw HTTP: python3-openstackclient 6.0.0 has no port binding commands): the port is bound and
wired on host A; Nova creates an inactive binding on host B and plugs the guest's device
there; nothing moves until Nova activates B's binding, then the port's flows leave A and
appear on B, the guest answers on B over VXLAN, and the source binding waits inactive for
Nova to delete it. Errors are Neutron's (PortBindingAlreadyExists, PortBindingAlreadyActive,
PortBindingNotFound).
"""

import time
import unittest

import multihost_cloud


class PortBindingsMultiHostTest(multihost_cloud.MultiHostCloud):

    def bindings(self, port_id):
        r = self.api("GET", "/v2.0/ports/%s/bindings" % port_id)
        self.assertEqual(r.status, 200, r)
        return {b["host"]: b for b in r.json()["bindings"]}

    @staticmethod
    def wires(host, ofport):
        return any("in_port=%d," % ofport in f or "in_port=%d " % ofport in f
                   for f in host.dump_flows("br-int"))

    def test_activating_an_inactive_binding_moves_the_port(self):
        a, b = self.mh.hosts
        net = self.network("10.47.0.0/24")
        peer = self.guest(a, "pbpeer", net)
        moving = self.guest(a, "pbvm", net, device_owner="compute:nova")
        a.wait_ping("pbpeer", moving["ip"], timeout=10)
        path = "/v2.0/ports/%s/bindings" % moving["id"]
        self.assertEqual(set(self.bindings(moving["id"])), {a.name})

        # Pre-migration: an inactive binding on B, and the device plugged there.
        r = self.api("POST", path, {"binding": {"host": b.name, "vnic_type": "normal",
                                                "profile": {}}})
        self.assertEqual(r.status, 201, r)
        self.assertEqual((r.json()["binding"]["status"], r.json()["binding"]["vif_type"]),
                         ("INACTIVE", "ovs"))
        self.assertNeutronError(self.api("POST", path, {"binding": {"host": b.name}}), 409,
                                "PortBindingAlreadyExists")
        self.assertNeutronError(self.api("PUT", "%s/%s/activate" % (path, a.name)), 409,
                                "PortBindingAlreadyActive")
        self.assertNeutronError(self.api("GET", "%s/no-such-host" % path), 404,
                                "PortBindingNotFound")
        b.add_guest("pbvm", moving["id"], moving["mac_address"], moving["ip"] + "/24",
                    mtu=net["mtu"], create_bridge=False)
        self.addCleanup(lambda: "pbvm" in b.guests and b.remove_guest("pbvm"))
        ofport_a = a.ofport(a.tap_name(moving["id"]))
        ofport_b = b.ofport(b.tap_name(moving["id"]))
        time.sleep(1)  # an inactive binding must not wire anything: give the fan-out time
        self.assertTrue(self.wires(a, ofport_a))
        self.assertFalse(self.wires(b, ofport_b))
        self.assertEqual(self.api("GET", "/v2.0/ports/" + moving["id"]).json()["port"][
            "binding:host_id"], a.name)

        # Migration done: Nova activates B's binding.
        activated = time.monotonic()
        r = self.api("PUT", "%s/%s/activate" % (path, b.name))
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json()["binding"]["host"], r.json()["binding"]["status"]),
                         (b.name, "ACTIVE"))
        self.wait_for(lambda: self.wires(b, ofport_b), "the port's flows on " + b.name,
                      timeout=10)
        self.wait_for(lambda: not self.wires(a, ofport_a), "the port's flows gone from " + a.name,
                      timeout=10)
        print("\nflows moved %.3f s after activation" % (time.monotonic() - activated))
        self.wait_for(lambda: self.api("GET", "/v2.0/ports/" + moving["id"]).json()["port"][
            "status"] == "ACTIVE", "the port ACTIVE on " + b.name, timeout=10)
        port = self.api("GET", "/v2.0/ports/" + moving["id"]).json()["port"]
        self.assertEqual(port["binding:host_id"], b.name)
        bindings = self.bindings(moving["id"])
        self.assertEqual({h: x["status"] for h, x in bindings.items()},
                         {a.name: "INACTIVE", b.name: "ACTIVE"})

        # Nova cleans up the source: the guest answers from B, across the tunnel.
        a.remove_guest("pbvm")
        a.wait_ping("pbpeer", moving["ip"], timeout=10)
        self.assertEqual(self.api("DELETE", "%s/%s" % (path, a.name)).status, 204)
        self.assertEqual(set(self.bindings(moving["id"])), {b.name})
        self.assertNeutronError(self.api("DELETE", "%s/%s" % (path, a.name)), 404,
                                "PortBindingNotFound")
        self.assertEqual(self.api("GET", "/v2.0/ports/" + peer["id"]).json()["port"]["status"],
                         "ACTIVE")

    def test_binding_needs_an_agent_and_a_compute_port(self):
        a, _ = self.mh.hosts
        net = self.network("10.48.0.0/24")
        r = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "device_owner": "compute:nova",
            "binding:host_id": a.name}})
        self.assertEqual(r.status, 201, r)
        port = r.json()["port"]
        self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + port["id"])
        path = "/v2.0/ports/%s/bindings" % port["id"]
        self.assertNeutronError(self.api("POST", path, {"binding": {"host": "pb-nowhere"}}),
                                500, "PortBindingError")
        self.assertEqual(set(self.bindings(port["id"])), {a.name})
        plain = self.api("POST", "/v2.0/ports", {"port": {"network_id": net["id"]}}).json()[
            "port"]
        self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + plain["id"])
        self.assertNeutronError(
            self.api("GET", "/v2.0/ports/%s/bindings" % plain["id"]), 400, "BadRequest")

    def assertNeutronError(self, resp, status, error_type):
        self.assertEqual(resp.status, status, resp)
        self.assertEqual(resp.json()["NeutronError"]["type"], error_type, resp)


if __name__ == "__main__":
    unittest.main()
