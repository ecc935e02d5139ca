"""multi-provider networks on two simulated hypervisors each running a real neutrino-agent
(multihost_cloud.py): a network created with a VLAN and a VXLAN segment shows both
(`openstack network show`), and agents wire it on its first segment, so its guests on two hosts
talk over the physnet with the first segment's VLAN tag."""
import unittest

import multihost_cloud

VLAN = {"provider:network_type": "vlan", "provider:physical_network": "physnet1",
        "provider:segmentation_id": 160}


class MultiProviderMultiHostTest(multihost_cloud.MultiHostCloud):

    def test_a_vlan_and_vxlan_network_carries_traffic_on_its_first_segment(self):
        h1, h2 = self.mh.hosts
        net = self.network("10.36.0.0/24", segments=[VLAN, {"provider:network_type": "vxlan"}])
        self.assertEqual(net["mtu"], 1450)  # the smallest of its segments'
        shown = self.ctl.openstack("network", "show", net["id"], "-f", "json")
        segments = shown["segments"]
        self.assertEqual([s["provider:network_type"] for s in segments], ["vlan", "vxlan"])
        self.assertEqual(segments[0], VLAN)
        self.assertIsNotNone(segments[1]["provider:segmentation_id"])
        self.assertIsNone(shown.get("provider:network_type"))

        a = self.guest(h1, "mpa", net)
        b = self.guest(h2, "mpb", net)
        cap = self.mh.capture(h1, "physnet")
        h1.wait_ping("mpa", b["ip"], timeout=10)
        self.assert_ping(h2, "mpb", a["ip"])
        self.assertIn("vlan 160", "\n".join(cap.stop()))

    def test_segments_and_provider_attributes_exclude_each_other(self):
        body = {"network": {"name": "both", "provider:network_type": "vxlan",
                            "segments": [VLAN]}}
        resp = self.api("POST", "/v2.0/networks", body)
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.json()["NeutronError"]["type"],
                         "SegmentsSetInConjunctionWithProviders")
        resp = self.api("POST", "/v2.0/networks", {"network": {"segments": [VLAN, VLAN]}})
        self.assertEqual(resp.status, 400, resp)
        self.assertEqual(resp.json()["NeutronError"]["type"], "SegmentsContainDuplicateEntry")
        names = [n["name"] for n in self.api("GET", "/v2.0/networks").json()["networks"]]
        self.assertNotIn("both", names)


if __name__ == "__main__":
    unittest.main()
