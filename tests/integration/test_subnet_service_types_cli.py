"""Subnet service types (subnet-service-types) through the real `openstack` CLI
(python3-openstackclient 6.0.0: `subnet create/set/unset --service-type`): ports take their
addresses from the subnet serving their device owner, as Neutron's IPAM does.
"""

import ipaddress
import unittest

import harness

ALICE = {"user": "sst-alice", "project": "sst-proj", "password": "sst-alice-pw"}


class SubnetServiceTypesCliTest(harness.MemberTestCase):
    member_credentials = ALICE

    def test_ports_take_addresses_from_their_service_subnet(self):
        self.member_network("sst-net")
        vm = self.member_cli("subnet", "create", "--network", "sst-net", "--subnet-range",
                        "10.81.1.0/24", "--service-type", "compute:nova", "sst-vm", "-f", "json")
        self.assertEqual(vm["service_types"], ["compute:nova"])
        self.member_cli("subnet", "create", "--network", "sst-net", "--subnet-range", "10.81.2.0/24",
                   "sst-general")
        port = self.member_cli("port", "create", "--network", "sst-net", "--device-owner",
                          "compute:nova", "sst-vm-port", "-f", "json")
        address = port["fixed_ips"][0]["ip_address"]
        self.assertIn(ipaddress.ip_address(address), ipaddress.ip_network("10.81.1.0/24"))
        other = self.member_cli("port", "create", "--network", "sst-net", "sst-other", "-f", "json")
        self.assertIn(ipaddress.ip_address(other["fixed_ips"][0]["ip_address"]),
                      ipaddress.ip_network("10.81.2.0/24"))
        self.member_cli("subnet", "set", "--service-type", "network:router_gateway", "sst-vm")
        self.assertEqual(sorted(self.member_cli("subnet", "show", "sst-vm", "-f", "json")[
            "service_types"]), ["compute:nova", "network:router_gateway"])
        self.member_cli("subnet", "unset", "--service-type", "compute:nova", "sst-vm")
        self.assertEqual(self.member_cli("subnet", "show", "sst-vm", "-f", "json")["service_types"],
                         ["network:router_gateway"])
        self.assertCommandFails("subnet", "set", "--service-type", "bogus", "sst-vm", **ALICE)
        # Only the general subnet serves compute ports now; once it is typed too, none does.
        self.member_cli("subnet", "set", "--service-type", "network:dhcp", "sst-general")
        r = self.member_api("POST", "/v2.0/ports", {"port": {
            "network_id": port["network_id"], "device_owner": "compute:nova"}})
        self.assertNeutronError(r, 409, "IpAddressGenerationFailureNoMatchingSubnet")


if __name__ == "__main__":
    unittest.main()
