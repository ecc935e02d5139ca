"""Neutron v2.0 networking API over raw HTTP: error answers (status, NeutronError body, type and,
where Neutron's wording is pinned by the reference samples or by neutron/neutron-lib 21 (Zed)
source, message), the fact that a refused write changes nothing, discovery documents, bulk
creation and list queries.

Expected values come from real Neutron (see /work/shared/design/neutron-reference/), not from
what the controller happens to answer.
"""

import contextlib
import json
import os
import unittest
import urllib.parse
import uuid

import harness

# shared/ sits beside the checkout, in CI as on the development machines.
REFERENCE = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                          "..", "shared", "design", "neutron-reference", "samples"))


# Port attributes of extensions that are not implemented yet: allowed address pairs and extra
# DHCP options are not scheduled.
# Attributes of extensions the reference deployment did not load (port-device-profile,
# port-numa-affinity-policy): Neutron shows them only where those extensions are enabled.
BEYOND_THE_REFERENCE = {"port": {"device_profile", "numa_affinity_policy"}}


def sample(name):
    with open(os.path.join(REFERENCE, name)) as f:
        return json.load(f)


class NeutronApiTestCase(harness.ControllerTestCase):
    """A controller, an admin token and one member tenant; helpers that clean up after themselves."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.controller.token()
        cls.member = cls.controller.create_member("api-tenant", "api-user", "api-user-pw")
        cls.member_token = cls.member["token"]

    # --- requests -----------------------------------------------------------------------------

    def api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.admin if token is None else token)

    def create(self, resource, attributes, token=None):
        resp = self.api("POST", "/v2.0/%ss" % resource, {resource: attributes}, token)
        self.assertEqual(resp.status, 201, resp)
        return resp.json()[resource]

    def get(self, resource, item_id, token=None):
        resp = self.api("GET", "/v2.0/%ss/%s" % (resource, item_id), token=token)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()[resource]

    def listing(self, collection, query="", token=None):
        resp = self.api("GET", "/v2.0/%s%s" % (collection, "?" + query if query else ""),
                        token=token)
        self.assertEqual(resp.status, 200, resp)
        return resp.json()[collection]

    def make_network(self, cidr=None, token=None, subnet=None, **network):
        """A network (and a subnet on `cidr`, if given) removed again when the test ends."""
        net = self.create("network", dict({"name": "net-" + self.id().rsplit(".", 1)[-1]},
                                          **network), token)
        self.addCleanup(self.remove_network, net["id"])
        if cidr is None:
            return net, None
        sub = self.create("subnet", dict({"network_id": net["id"], "ip_version": 4,
                                          "cidr": cidr}, **(subnet or {})), token)
        return net, sub

    def remove_network(self, network_id):
        for port in self.listing("ports", "network_id=" + network_id):
            self.api("DELETE", "/v2.0/ports/" + port["id"])
        resp = self.api("DELETE", "/v2.0/networks/" + network_id)
        self.assertIn(resp.status, (204, 404), resp)

    # --- "nothing changed" --------------------------------------------------------------------

    def state(self, *watched):
        """Everything an admin can list, plus the full bodies of the watched resources."""
        snapshot = {c: sorted(json.dumps(i, sort_keys=True) for i in self.listing(c))
                    for c in ("networks", "subnets", "ports")}
        for resource, item_id in watched:
            snapshot[(resource, item_id)] = self.get(resource, item_id)
        return snapshot

    @contextlib.contextmanager
    def assertUnchanged(self, *watched):
        """The block's refused writes leave every network, subnet and port as it was (same
        bodies, hence same revision_number and updated_at)."""
        before = self.state(*watched)
        yield
        after = self.state(*watched)
        for key in before:
            self.assertEqual(after[key], before[key], "changed by a refused write: %s" % (key,))


class RequestValidationTest(NeutronApiTestCase):
    """Bodies Neutron refuses before it looks at the store."""

    def test_malformed_json_is_400(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            for method, path, raw in (("POST", "/v2.0/networks", b"{not json"),
                                      ("POST", "/v2.0/networks", b'{"network": '),
                                      ("PUT", "/v2.0/networks/" + net["id"], b"{not json"),
                                      ("POST", "/v2.0/networks", b"[]")):
                with self.subTest(method=method, body=raw):
                    resp = self.api(method, path, raw)
                    # neutron/pecan_wsgi/hooks/body_validation.py: JSON that does not parse
                    # or is not an object.
                    self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                            "Body contains invalid data")

    def test_body_without_the_resource_key_is_400(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            resp = self.api("POST", "/v2.0/networks", {"netwrk": {"name": "typo"}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                    "Unable to find 'network' in request body")
            resp = self.api("PUT", "/v2.0/networks/" + net["id"], {"name": "bare"})
            self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                    "Unable to find 'network' in request body")
            resp = self.api("POST", "/v2.0/ports", {"network": {"name": "wrong kind"}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                    "Unable to find 'port' in request body")

    def test_unknown_attribute_is_400(self):
        net, sub = self.make_network("10.1.0.0/24")
        port = self.create("port", {"network_id": net["id"]})
        with self.assertUnchanged(("network", net["id"]), ("port", port["id"])):
            resp = self.api("POST", "/v2.0/networks", {"network": {"name": "n", "foo": 1}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'foo'")
            resp = self.api("PUT", "/v2.0/ports/" + port["id"], {"port": {"foo": "bar"}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'foo'")
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "ip_version": 4, "cidr": "10.2.0.0/24", "foo": 1}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'foo'")

    def test_read_only_attributes_are_400(self):
        net, sub = self.make_network("10.3.0.0/24")
        port = self.create("port", {"network_id": net["id"]})
        watched = (("network", net["id"]), ("subnet", sub["id"]), ("port", port["id"]))
        with self.assertUnchanged(*watched):
            cases = [
                ("POST", "/v2.0/networks", {"network": {"id": str(uuid.uuid4())}},
                 "Attribute 'id' not allowed in POST"),
                ("POST", "/v2.0/networks", {"network": {"status": "DOWN"}},
                 "Attribute 'status' not allowed in POST"),
                ("POST", "/v2.0/ports", {"port": {"network_id": net["id"], "status": "ACTIVE"}},
                 "Attribute 'status' not allowed in POST"),
                ("PUT", "/v2.0/networks/" + net["id"], {"network": {"status": "DOWN"}},
                 "Cannot update read-only attribute status"),
                ("PUT", "/v2.0/subnets/" + sub["id"], {"subnet": {"cidr": "10.4.0.0/24"}},
                 "Cannot update read-only attribute cidr"),
                ("PUT", "/v2.0/ports/" + port["id"], {"port": {"network_id": str(uuid.uuid4())}},
                 "Cannot update read-only attribute network_id"),
            ]
            for method, path, body, message in cases:
                with self.subTest(method=method, body=body):
                    self.assertNeutronError(self.api(method, path, body), 400, "HTTPBadRequest",
                                            message)

    def test_wrong_types_are_400(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            # Validators answer HTTPBadRequest "Invalid input for <attr>. Reason: ...";
            # converters (convert_to_boolean/int) raise InvalidInput themselves
            # (neutron_lib/api/converters.py), with a different wording.
            cases = [
                ("POST", "/v2.0/networks", {"network": {"name": 5}}, "HTTPBadRequest",
                 "Invalid input for name. Reason: '5' is not a valid string."),
                ("POST", "/v2.0/ports", {"port": {"network_id": "not-a-uuid"}},
                 "HTTPBadRequest", "Invalid input for network_id. Reason: 'not-a-uuid' is not a "
                                   "valid UUID."),
                ("POST", "/v2.0/subnets", {"subnet": {"network_id": net["id"], "ip_version": 5,
                                                      "cidr": "10.5.0.0/24"}},
                 "HTTPBadRequest", "Invalid input for ip_version. Reason: 5 is not in [4, 6]."),
                ("POST", "/v2.0/networks", {"network": {"admin_state_up": "maybe"}},
                 "InvalidInput", "Invalid input for operation: 'maybe' cannot be converted to "
                                 "boolean."),
                ("POST", "/v2.0/subnets", {"subnet": {"network_id": net["id"],
                                                      "ip_version": "four",
                                                      "cidr": "10.5.0.0/24"}},
                 "InvalidInput", "Invalid input for operation: 'four' is not an integer."),
            ]
            for method, path, body, error_type, message in cases:
                with self.subTest(body=body):
                    self.assertNeutronError(self.api(method, path, body), 400, error_type, message)

    def test_missing_required_attribute_is_400(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {"ip_version": 4,
                                                                 "cidr": "10.0.0.0/24"}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                    "Failed to parse request. Required attribute 'network_id' not "
                                    "specified")
            resp = self.api("POST", "/v2.0/ports", {"port": {"name": "nowhere"}})
            self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                    "Failed to parse request. Required attribute 'network_id' not "
                                    "specified")


class SubnetErrorsTest(NeutronApiTestCase):

    def test_bad_cidr_is_400(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            cases = [
                ("10.0.0.0/33", "Invalid input for cidr. Reason: '10.0.0.0/33' is not a valid IP "
                                "subnet."),
                ("banana", "Invalid input for cidr. Reason: 'banana' is not a valid IP subnet."),
                ("10.0.0.5/24", "Invalid input for cidr. Reason: '10.0.0.5/24' isn't a recognized "
                                "IP subnet cidr, '10.0.0.0/24' is recommended."),
            ]
            for cidr, message in cases:
                with self.subTest(cidr=cidr):
                    resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                        "network_id": net["id"], "ip_version": 4, "cidr": cidr}})
                    self.assertNeutronError(resp, 400, "HTTPBadRequest", message)

    def test_pool_outside_cidr_matches_neutron(self):
        net, _ = self.make_network()
        expected = sample("subnet-pool-outside-cidr-error.json")
        with self.assertUnchanged(("network", net["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "ip_version": 4, "cidr": "10.9.0.0/24",
                "allocation_pools": [{"start": "10.9.1.1", "end": "10.9.1.5"}]}})
            self.assertNeutronError(resp, 400, "OutOfBoundsAllocationPool")
            self.assertEqual(resp.json(), expected)

    def test_overlapping_pools_are_refused(self):
        # neutron_lib.exceptions.OverlappingAllocationPools is a Conflict: 409, not 400.
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "ip_version": 4, "cidr": "10.9.0.0/24",
                "allocation_pools": [{"start": "10.9.0.10", "end": "10.9.0.50"},
                                     {"start": "10.9.0.40", "end": "10.9.0.60"}]}})
            self.assertNeutronError(
                resp, 409, "OverlappingAllocationPools",
                "Found overlapping allocation pools: 10.9.0.10-10.9.0.50 10.9.0.40-10.9.0.60 for "
                "subnet 10.9.0.0/24.")

    def test_gateway_inside_a_pool_is_409(self):
        net, sub = self.make_network("10.8.0.0/24", subnet={
            "allocation_pools": [{"start": "10.8.0.10", "end": "10.8.0.50"}]})
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "ip_version": 4, "cidr": "10.7.0.0/24",
                "gateway_ip": "10.7.0.20",
                "allocation_pools": [{"start": "10.7.0.10", "end": "10.7.0.50"}]}})
            self.assertNeutronError(resp, 409, "GatewayConflictWithAllocationPools",
                                    "Gateway ip 10.7.0.20 conflicts with allocation pool "
                                    "10.7.0.10-10.7.0.50.")
            resp = self.api("PUT", "/v2.0/subnets/" + sub["id"],
                            {"subnet": {"gateway_ip": "10.8.0.30"}})
            self.assertNeutronError(resp, 409, "GatewayConflictWithAllocationPools",
                                    "Gateway ip 10.8.0.30 conflicts with allocation pool "
                                    "10.8.0.10-10.8.0.50.")

    def test_overlapping_subnet_matches_neutron(self):
        net, sub = self.make_network("10.0.0.0/16")
        expected = sample("subnet-overlap-error.json")
        expected["NeutronError"]["message"] = expected["NeutronError"]["message"].replace(
            "feef8f0f-eac7-4558-9370-78fca6d454d9", net["id"])
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net["id"], "ip_version": 4, "cidr": "10.0.0.0/24"}})
            self.assertNeutronError(resp, 400, "InvalidInput")
            self.assertEqual(resp.json(), expected)

    def test_pool_update_may_leave_an_allocation_outside_the_pools(self):
        # samples/subnet-update-pool-shrink.json: Neutron accepts it and keeps the address.
        net, sub = self.make_network("10.0.0.0/16", subnet={
            "allocation_pools": [{"start": "10.0.1.1", "end": "10.0.3.254"},
                                 {"start": "10.0.0.10", "end": "10.0.0.250"}]})
        port = self.create("port", {"network_id": net["id"],
                                    "fixed_ips": [{"ip_address": "10.0.0.100"}]})
        resp = self.api("PUT", "/v2.0/subnets/" + sub["id"], {"subnet": {
            "allocation_pools": [{"start": "10.0.0.5", "end": "10.0.0.9"}]}})
        self.assertEqual(resp.status, 200, resp)
        updated = resp.json()["subnet"]
        self.assertEqual(updated["allocation_pools"], [{"start": "10.0.0.5", "end": "10.0.0.9"}])
        self.assertEqual(updated["revision_number"], sub["revision_number"] + 1)
        self.assertEqual(self.get("port", port["id"])["fixed_ips"],
                         [{"subnet_id": sub["id"], "ip_address": "10.0.0.100"}])

    def test_subnet_delete_in_use_is_409(self):
        net, sub = self.make_network("10.6.0.0/24")
        port = self.create("port", {"network_id": net["id"]})
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"]),
                                  ("port", port["id"])):
            resp = self.api("DELETE", "/v2.0/subnets/" + sub["id"])
            self.assertNeutronError(resp, 409, "SubnetInUse",
                                    "Unable to complete operation on subnet %s: One or more ports "
                                    "have an IP allocation from this subnet." % sub["id"])


class PortErrorsTest(NeutronApiTestCase):

    def test_invalid_fixed_ips_are_400(self):
        net, sub = self.make_network("10.0.0.0/24")
        other_net, other_sub = self.make_network("10.1.0.0/24")
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            cases = [
                ([{"ip_address": "10.0.0.300"}], "HTTPBadRequest",
                 "Invalid input for fixed_ips. Reason: '10.0.0.300' is not a valid IP address."),
                ([{"subnet_id": sub["id"], "ip_address": "10.1.0.5"}], "InvalidIpForSubnet",
                 "IP address 10.1.0.5 is not a valid IP for the specified subnet."),
                ([{"subnet_id": sub["id"], "ip_address": "10.0.0.255"}], "InvalidIpForSubnet",
                 "IP address 10.0.0.255 is not a valid IP for the specified subnet."),
                ([{"ip_address": "10.1.0.5"}], "InvalidIpForNetwork",
                 "IP address 10.1.0.5 is not a valid IP for any of the subnets on the specified "
                 "network."),
                ([{"subnet_id": other_sub["id"]}], "InvalidInput",
                 "Invalid input for operation: Failed to create port on network %s, because "
                 "fixed_ips included invalid subnet %s." % (net["id"], other_sub["id"])),
            ]
            for fixed_ips, error_type, message in cases:
                with self.subTest(fixed_ips=fixed_ips):
                    resp = self.api("POST", "/v2.0/ports", {"port": {
                        "network_id": net["id"], "fixed_ips": fixed_ips}})
                    self.assertNeutronError(resp, 400, error_type, message)

    def test_taken_fixed_ip_is_409(self):
        net, sub = self.make_network("10.0.0.0/24")
        first = self.create("port", {"network_id": net["id"],
                                     "fixed_ips": [{"ip_address": "10.0.0.5"}]})
        second = self.create("port", {"network_id": net["id"],
                                      "fixed_ips": [{"ip_address": "10.0.0.6"}]})
        message = "IP address 10.0.0.5 already allocated in subnet %s" % sub["id"]
        with self.assertUnchanged(("port", first["id"]), ("port", second["id"])):
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "fixed_ips": [{"ip_address": "10.0.0.5"}]}})
            self.assertNeutronError(resp, 409, "IpAddressAlreadyAllocated", message)
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"],
                "fixed_ips": [{"subnet_id": sub["id"], "ip_address": "10.0.0.5"}]}})
            self.assertNeutronError(resp, 409, "IpAddressAlreadyAllocated", message)
            # An update that would take it must not lose the port's own address either.
            resp = self.api("PUT", "/v2.0/ports/" + second["id"], {"port": {
                "fixed_ips": [{"ip_address": "10.0.0.5"}]}})
            self.assertNeutronError(resp, 409, "IpAddressAlreadyAllocated", message)

    def test_gateway_address_can_be_requested_explicitly(self):
        # Neutron's IPAM only checks that an address is unique and inside the subnet
        # (ipam/drivers/neutrondb_ipam/driver.py _verify_ip); the gateway is not reserved,
        # which is how router interface ports get it.
        net, sub = self.make_network("10.0.0.0/24")
        resp = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": net["id"], "fixed_ips": [{"subnet_id": sub["id"],
                                                    "ip_address": "10.0.0.1"}]}})
        self.assertEqual(resp.status, 201, resp)
        self.assertEqual(resp.json()["port"]["fixed_ips"],
                         [{"subnet_id": sub["id"], "ip_address": "10.0.0.1"}])

    def test_exhausted_subnet_is_409(self):
        # A /29 with the gateway on .1 has five addresses to give: .2 to .6.
        net, sub = self.make_network("10.5.0.0/29")
        given = set()
        for _ in range(5):
            port = self.create("port", {"network_id": net["id"]})
            given.add(port["fixed_ips"][0]["ip_address"])
        self.assertEqual(given, {"10.5.0.%d" % i for i in range(2, 7)})
        # Neutron 21 turns IpAddressGenerationFailureAllSubnets into the network-level
        # exception, also when the request named the subnet (ipam_pluggable_backend.py).
        message = "No more IP addresses available on network %s." % net["id"]
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            resp = self.api("POST", "/v2.0/ports", {"port": {"network_id": net["id"]}})
            self.assertNeutronError(resp, 409, "IpAddressGenerationFailure", message)
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "fixed_ips": [{"subnet_id": sub["id"]}]}})
            self.assertNeutronError(resp, 409, "IpAddressGenerationFailure", message)

    def test_network_delete_in_use_matches_neutron(self):
        net, sub = self.make_network("10.0.0.0/24")
        port = self.create("port", {"network_id": net["id"]})
        expected = sample("network-delete-inuse-error.json")
        message = expected["NeutronError"]["message"].replace(
            "feef8f0f-eac7-4558-9370-78fca6d454d9", net["id"]).replace(
            "11f90926-705c-4a61-a61e-85647ee016da", port["id"])
        expected["NeutronError"]["message"] = message
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"]),
                                  ("port", port["id"])):
            resp = self.api("DELETE", "/v2.0/networks/" + net["id"])
            self.assertNeutronError(resp, 409, "NetworkInUse")
            self.assertEqual(resp.json(), expected)


class MissingAndForbiddenTest(NeutronApiTestCase):

    def test_missing_resources_are_404(self):
        net, sub = self.make_network("10.0.0.0/24")
        missing = str(uuid.uuid4())
        cases = [
            ("GET", "/v2.0/networks/" + missing, None, "NetworkNotFound", "Network"),
            ("PUT", "/v2.0/networks/" + missing, {"network": {"name": "x"}}, "NetworkNotFound",
             "Network"),
            ("DELETE", "/v2.0/networks/" + missing, None, "NetworkNotFound", "Network"),
            ("GET", "/v2.0/subnets/" + missing, None, "SubnetNotFound", "Subnet"),
            ("PUT", "/v2.0/subnets/" + missing, {"subnet": {"name": "x"}}, "SubnetNotFound",
             "Subnet"),
            ("DELETE", "/v2.0/subnets/" + missing, None, "SubnetNotFound", "Subnet"),
            ("GET", "/v2.0/ports/" + missing, None, "PortNotFound", "Port"),
            ("PUT", "/v2.0/ports/" + missing, {"port": {"name": "x"}}, "PortNotFound", "Port"),
            ("DELETE", "/v2.0/ports/" + missing, None, "PortNotFound", "Port"),
            ("POST", "/v2.0/subnets", {"subnet": {"network_id": missing, "ip_version": 4,
                                                  "cidr": "10.1.0.0/24"}},
             "NetworkNotFound", "Network"),
            ("POST", "/v2.0/ports", {"port": {"network_id": missing}}, "NetworkNotFound",
             "Network"),
            # Neutron looks a named subnet up first (ipam_backend_mixin._get_subnet_for_fixed_ip).
            ("POST", "/v2.0/ports", {"port": {"network_id": net["id"],
                                              "fixed_ips": [{"subnet_id": missing}]}},
             "SubnetNotFound", "Subnet"),
        ]
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"])):
            for method, path, body, error_type, kind in cases:
                with self.subTest(method=method, path=path, body=body):
                    self.assertNeutronError(self.api(method, path, body), 404, error_type,
                                            "%s %s could not be found." % (kind, missing))

    def test_other_tenants_resources_look_missing(self):
        net, sub = self.make_network("10.0.0.0/24")  # admin's, not shared
        port = self.create("port", {"network_id": net["id"]})
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"]),
                                  ("port", port["id"])):
            for method, resource, item, body in (
                    ("GET", "network", net, None),
                    ("PUT", "network", net, {"network": {"name": "stolen"}}),
                    ("DELETE", "network", net, None),
                    ("GET", "subnet", sub, None),
                    ("DELETE", "subnet", sub, None),
                    ("GET", "port", port, None),
                    ("PUT", "port", port, {"port": {"name": "stolen"}}),
                    ("DELETE", "port", port, None)):
                with self.subTest(method=method, resource=resource):
                    resp = self.api(method, "/v2.0/%ss/%s" % (resource, item["id"]), body,
                                    token=self.member_token)
                    self.assertNeutronError(resp, 404, resource.capitalize() + "NotFound",
                                            "%s %s could not be found."
                                            % (resource.capitalize(), item["id"]))
            resp = self.api("POST", "/v2.0/ports", {"port": {"network_id": net["id"]}},
                            token=self.member_token)
            self.assertNeutronError(resp, 404, "NetworkNotFound")

    def test_member_cannot_set_provider_attributes(self):
        own, _ = self.make_network(token=self.member_token)
        with self.assertUnchanged(("network", own["id"])):
            for attributes in ({"provider:network_type": "vxlan"},
                               {"provider:network_type": "vxlan", "provider:segmentation_id": 77},
                               {"provider:segmentation_id": 77}):
                with self.subTest(create=attributes):
                    resp = self.api("POST", "/v2.0/networks",
                                    {"network": dict({"name": "prov"}, **attributes)},
                                    token=self.member_token)
                    error = self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
                    self.assertIn("is disallowed by policy", error["message"])
            resp = self.api("PUT", "/v2.0/networks/" + own["id"],
                            {"network": {"provider:segmentation_id": 78}}, token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
            resp = self.api("POST", "/v2.0/networks", {"network": {"shared": True}},
                            token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
        # ...and does not even see them (admin-only attributes, as in Neutron's policy).
        shown = self.get("network", own["id"], token=self.member_token)
        self.assertNotIn("provider:network_type", shown)
        self.assertNotIn("provider:segmentation_id", shown)

    def test_member_cannot_bind_ports(self):
        net, _ = self.make_network("10.0.0.0/24", token=self.member_token)
        port = self.create("port", {"network_id": net["id"]}, token=self.member_token)
        self.assertNotIn("binding:host_id", port)
        with self.assertUnchanged(("port", port["id"])):
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": net["id"], "binding:host_id": "compute-1"}}, token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
            resp = self.api("PUT", "/v2.0/ports/" + port["id"],
                            {"port": {"binding:host_id": "compute-1"}}, token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")

    def test_member_cannot_create_for_another_project(self):
        # neutron-lib 3.1 (Zed) _validate_privileges: a 400, checked before any policy.
        message = ("Specifying 'project_id' or 'tenant_id' other than the authenticated project "
                   "in request requires admin or advsvc privileges")
        admin_project = self.get("network", self.make_network()[0]["id"])["project_id"]
        own, _ = self.make_network("10.0.0.0/24", token=self.member_token)
        resp = self.api("POST", "/v2.0/security-groups", {"security_group": {"name": "mine"}},
                        token=self.member_token)
        self.assertEqual(resp.status, 201, resp)
        group = resp.json()["security_group"]
        self.addCleanup(self.api, "DELETE", "/v2.0/security-groups/" + group["id"])
        with self.assertUnchanged(("network", own["id"])):
            for key in ("project_id", "tenant_id"):
                with self.subTest(key=key):
                    for path, body in (
                            ("/v2.0/networks", {"network": {"name": "not-mine",
                                                            key: admin_project}}),
                            ("/v2.0/subnets", {"subnet": {"network_id": own["id"],
                                                          "ip_version": 4,
                                                          "cidr": "10.9.0.0/24",
                                                          key: admin_project}}),
                            ("/v2.0/ports", {"port": {"network_id": own["id"],
                                                      key: admin_project}}),
                            ("/v2.0/security-groups", {"security_group": {
                                "name": "not-mine", key: admin_project}}),
                            ("/v2.0/security-group-rules", {"security_group_rule": {
                                "security_group_id": group["id"], "direction": "ingress",
                                key: admin_project}})):
                        resp = self.api("POST", path, body, token=self.member_token)
                        self.assertNeutronError(resp, 400, "HTTPBadRequest", message)
            # Naming one's own project is fine.
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": own["id"], "tenant_id": self.member["project_id"]}},
                token=self.member_token)
            self.assertEqual(resp.status, 201, resp)
            self.api("DELETE", "/v2.0/ports/" + resp.json()["port"]["id"])
        resp = self.api("GET", "/v2.0/security-groups?name=not-mine")
        self.assertEqual(resp.json()["security_groups"], [], resp)

    def test_member_cannot_add_subnets_to_a_shared_network(self):
        shared, sub = self.make_network("10.0.0.0/24", shared=True)
        with self.assertUnchanged(("network", shared["id"]), ("subnet", sub["id"])):
            resp = self.api("POST", "/v2.0/subnets", {"subnet": {
                "network_id": shared["id"], "ip_version": 4, "cidr": "10.1.0.0/24"}},
                token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")
            resp = self.api("POST", "/v2.0/ports", {"port": {
                "network_id": shared["id"], "fixed_ips": [{"ip_address": "10.0.0.50"}]}},
                token=self.member_token)
            self.assertNeutronError(resp, 403, "PolicyNotAuthorized")

    def test_member_cannot_weaken_ports_on_a_shared_network(self):
        """neutron/conf/policies/port.py: on another project's shared network a member may
        attach a port, but anti-spoofing, the MAC, explicit addresses, network:* device owners
        and bindings are the network owner's (or the admin's). The message is the whole rule
        Neutron composes for the request."""
        shared, sub = self.make_network("10.0.0.0/24", shared=True)
        rule = "(rule:%s_port and %s) is disallowed by policy"
        creates = [
            ({"port_security_enabled": False}, "rule:create_port:port_security_enabled"),
            ({"mac_address": "fa:16:3e:aa:bb:cc"}, "rule:create_port:mac_address"),
            ({"fixed_ips": [{"ip_address": "10.0.0.50"}]},
             "(rule:create_port:fixed_ips and (rule:create_port:fixed_ips:ip_address))"),
            ({"fixed_ips": [{"subnet_id": sub["id"], "ip_address": "10.0.0.50"}]},
             "(rule:create_port:fixed_ips and (rule:create_port:fixed_ips:subnet_id and "
             "rule:create_port:fixed_ips:ip_address))"),
            ({"device_owner": "network:router_interface"}, "rule:create_port:device_owner"),
            ({"binding:host_id": "compute-1"}, "rule:create_port:binding:host_id"),
            ({"binding:profile": {"local_link_information": []}},
             "rule:create_port:binding:profile"),
        ]
        with self.assertUnchanged(("network", shared["id"]), ("subnet", sub["id"])):
            for attributes, check in creates:
                with self.subTest(create=attributes):
                    resp = self.api("POST", "/v2.0/ports", {"port": dict(
                        {"network_id": shared["id"]}, **attributes)}, token=self.member_token)
                    self.assertNeutronError(resp, 403, "PolicyNotAuthorized",
                                            rule % ("create", check))
        # What a member may do there: a port, on a subnet of its choice.
        port = self.create("port", {"network_id": shared["id"], "device_owner": "compute:nova",
                                    "fixed_ips": [{"subnet_id": sub["id"]}]},
                           token=self.member_token)
        self.assertTrue(port["port_security_enabled"])
        updates = [
            ({"port_security_enabled": False}, "rule:update_port:port_security_enabled"),
            ({"mac_address": "fa:16:3e:aa:bb:cc"}, "rule:update_port:mac_address"),
            ({"fixed_ips": [{"subnet_id": sub["id"]}]},
             "(rule:update_port:fixed_ips and (rule:update_port:fixed_ips:subnet_id))"),
            ({"device_owner": "network:dhcp"}, "rule:update_port:device_owner"),
            ({"binding:host_id": "compute-1"}, "rule:update_port:binding:host_id"),
        ]
        with self.assertUnchanged(("port", port["id"])):
            for attributes, check in updates:
                with self.subTest(update=attributes):
                    resp = self.api("PUT", "/v2.0/ports/" + port["id"], {"port": attributes},
                                    token=self.member_token)
                    self.assertNeutronError(resp, 403, "PolicyNotAuthorized",
                                            rule % ("update", check))
        # The network's owner (the admin here) may do all of it.
        owned = self.create("port", {"network_id": shared["id"], "port_security_enabled": False,
                                     "mac_address": "fa:16:3e:aa:bb:cc",
                                     "fixed_ips": [{"ip_address": "10.0.0.50"}],
                                     "device_owner": "network:router_interface"})
        self.assertFalse(owned["port_security_enabled"])
        self.assertEqual(owned["fixed_ips"][0]["ip_address"], "10.0.0.50")
        resp = self.api("PUT", "/v2.0/ports/" + port["id"], {"port": {
            "port_security_enabled": False, "security_groups": []}})
        self.assertEqual(resp.status, 200, resp)
        self.assertFalse(resp.json()["port"]["port_security_enabled"])

    def test_network_owner_may_set_port_security_on_its_own_network(self):
        own, _ = self.make_network("10.0.0.0/24", token=self.member_token)
        port = self.create("port", {"network_id": own["id"], "port_security_enabled": False,
                                    "mac_address": "fa:16:3e:aa:bb:cd",
                                    "fixed_ips": [{"ip_address": "10.0.0.60"}]},
                           token=self.member_token)
        self.assertFalse(port["port_security_enabled"])
        # Changing a MAC stays the admin's, even for the network's owner.
        resp = self.api("PUT", "/v2.0/ports/" + port["id"],
                        {"port": {"mac_address": "fa:16:3e:aa:bb:ce"}}, token=self.member_token)
        self.assertNeutronError(resp, 403, "PolicyNotAuthorized",
                                "(rule:update_port and rule:update_port:mac_address) is "
                                "disallowed by policy")


class AuthAndRoutingTest(NeutronApiTestCase):

    def assertKeystone401(self, resp):
        self.assertEqual(resp.status, 401, resp)
        self.assertEqual(resp.json(), {"error": {
            "code": 401, "title": "Unauthorized",
            "message": "The request you have made requires authentication."}})
        self.assertTrue(resp.headers.get("WWW-Authenticate", "").startswith("Keystone uri="),
                        resp.headers.get("WWW-Authenticate"))

    def test_no_token_and_bad_token_are_401(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            for token in ("", "not-a-token", self.admin[:-2] + "xx"):
                for method, path, body in (
                        ("GET", "/v2.0/networks", None),
                        ("GET", "/v2.0/networks/" + net["id"], None),
                        ("POST", "/v2.0/networks", {"network": {"name": "anon"}}),
                        ("PUT", "/v2.0/networks/" + net["id"], {"network": {"name": "anon"}}),
                        ("DELETE", "/v2.0/networks/" + net["id"], None),
                        ("GET", "/v2.0", None),
                        ("GET", "/v2.0/extensions", None)):
                    with self.subTest(token=token[:8], method=method, path=path):
                        self.assertKeystone401(self.controller.request(method, path, body,
                                                                       token=token))

    def test_revoked_token_is_401(self):
        token = self.controller.token()
        resp = self.controller.request("DELETE", "/v3/auth/tokens", token=self.admin,
                                       headers={"X-Subject-Token": token})
        self.assertEqual(resp.status, 204, resp)
        self.assertKeystone401(self.controller.request("GET", "/v2.0/networks", token=token))

    def test_unknown_path_is_404(self):
        for path in ("/v2.0/nothing", "/v2.0/networks/%s/nothing" % uuid.uuid4(), "/v3.0",
                     "/nothing"):
            with self.subTest(path=path):
                self.assertNeutronError(self.api("GET", path), 404, "HTTPNotFound")

    def test_wrong_method_is_405(self):
        net, _ = self.make_network()
        with self.assertUnchanged(("network", net["id"])):
            for method, path in (("PATCH", "/v2.0/networks/" + net["id"]),
                                 ("POST", "/v2.0/networks/" + net["id"]),
                                 ("DELETE", "/v2.0/networks"),
                                 ("PUT", "/v2.0/ports")):
                with self.subTest(method=method, path=path):
                    resp = self.api(method, path, {"network": {"name": "x"}})
                    self.assertNeutronError(resp, 405, "HTTPMethodNotAllowed")


class DiscoveryTest(NeutronApiTestCase):

    def test_version_documents(self):
        resp = self.controller.request("GET", "/")  # no token needed
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json(), {"versions": [{
            "id": "v2.0", "status": "CURRENT",
            "links": [{"href": self.controller.url + "/v2.0/", "rel": "self"}]}]})

        resp = self.api("GET", "/v2.0")
        self.assertEqual(resp.status, 200, resp)
        resources = {r["collection"]: r for r in resp.json()["resources"]}
        for collection, name in (("networks", "network"), ("subnets", "subnet"),
                                 ("ports", "port")):
            self.assertEqual(resources[collection]["name"], name)
            self.assertEqual(resources[collection]["links"],
                             [{"href": self.controller.url + "/v2.0/" + collection,
                               "rel": "self"}])

    def test_extensions(self):
        extensions = self.api("GET", "/v2.0/extensions").json()["extensions"]
        for extension in extensions:
            self.assertEqual(set(extension), {"alias", "name", "description", "updated", "links"},
                             extension)
        aliases = [e["alias"] for e in extensions]
        self.assertEqual(len(aliases), len(set(aliases)), aliases)
        # Every attribute family the API already shows is announced.
        for alias in ("provider", "binding", "net-mtu", "port-security", "security-group",
                      "external-net",
                      "standard-attr-tag", "standard-attr-revisions", "standard-attr-timestamp",
                      "standard-attr-description", "project-id", "pagination", "sorting"):
            self.assertIn(alias, aliases)

        resp = self.api("GET", "/v2.0/extensions/binding")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.json()["extension"]["alias"], "binding")
        # The CLI probes this before every port create and must get a 404.
        resp = self.api("GET", "/v2.0/extensions/tag-ports-during-bulk-creation")
        self.assertNeutronError(resp, 404, "HTTPNotFound",
                                "Extension with alias tag-ports-during-bulk-creation does not "
                                "exist")

    def test_bodies_carry_the_attributes_neutron_shows(self):
        # Admin view, as the samples were captured.
        net, sub = self.make_network("10.0.0.0/16")
        port = self.create("port", {"network_id": net["id"]})
        for kind, body, name in (("network", self.get("network", net["id"]),
                                  "network-create.json"),
                                 ("subnet", sub, "subnet-create.json"),
                                 ("port", port, "port-create.json")):
            with self.subTest(resource=kind):
                expected = set(sample(name)[kind])
                self.assertEqual(sorted(expected - set(body)), [],
                                 "attributes missing from the %s body" % kind)
                extra = set(body) - expected - BEYOND_THE_REFERENCE.get(kind, set())
                self.assertEqual(sorted(extra), [],
                                 "attributes Neutron does not show in the %s body" % kind)


class BulkAndListTest(NeutronApiTestCase):

    def test_bulk_network_create_creates_all(self):
        names = ["bulk-a", "bulk-b", "bulk-c"]
        resp = self.api("POST", "/v2.0/networks", {"networks": [{"name": n} for n in names]})
        self.assertEqual(resp.status, 201, resp)
        created = resp.json()["networks"]
        for network in created:
            self.addCleanup(self.remove_network, network["id"])
        self.assertEqual([n["name"] for n in created], names)
        self.assertEqual(len({n["id"] for n in created}), 3)
        listed = {n["id"]: n["name"] for n in self.listing("networks")}
        for network in created:
            self.assertEqual(listed.get(network["id"]), network["name"])

    def test_bulk_port_create_is_all_or_nothing(self):
        net, sub = self.make_network("10.0.0.0/24")
        taken = self.create("port", {"network_id": net["id"],
                                     "fixed_ips": [{"ip_address": "10.0.0.5"}]})
        with self.assertUnchanged(("network", net["id"]), ("subnet", sub["id"]),
                                  ("port", taken["id"])):
            resp = self.api("POST", "/v2.0/ports", {"ports": [
                {"network_id": net["id"], "name": "bulk-ok"},
                {"network_id": net["id"], "name": "bulk-bad",
                 "fixed_ips": [{"ip_address": "10.0.0.5"}]}]})
            self.assertNeutronError(resp, 409, "IpAddressAlreadyAllocated")
            resp = self.api("POST", "/v2.0/ports", {"ports": [
                {"network_id": net["id"], "name": "bulk-ok"},
                {"network_id": net["id"], "name": "bulk-bad", "foo": 1}]})
            self.assertNeutronError(resp, 400, "HTTPBadRequest", "Unrecognized attribute(s) 'foo'")
            resp = self.api("POST", "/v2.0/ports", {"ports": [
                {"network_id": net["id"], "name": "bulk-ok"},
                {"network_id": str(uuid.uuid4()), "name": "bulk-bad"}]})
            self.assertNeutronError(resp, 404, "NetworkNotFound")
        self.assertEqual([p["id"] for p in self.listing("ports", "network_id=" + net["id"])],
                         [taken["id"]])

    def test_fields_select_attributes(self):
        net, _ = self.make_network("10.0.0.0/24")
        self.create("port", {"network_id": net["id"], "name": "f1"})
        ports = self.listing("ports", "network_id=%s&fields=id&fields=name&fields=fixed_ips"
                             % net["id"])
        self.assertEqual(len(ports), 1)
        self.assertEqual(set(ports[0]), {"id", "name", "fixed_ips"})
        self.assertEqual(ports[0]["name"], "f1")
        resp = self.api("GET", "/v2.0/networks/%s?fields=name&fields=mtu" % net["id"])
        self.assertEqual(resp.json(), {"network": {"name": net["name"], "mtu": 1450}})

    def test_sorting(self):
        net, _ = self.make_network("10.0.0.0/24")
        resp = self.api("POST", "/v2.0/ports", {"ports": [
            {"network_id": net["id"], "name": n} for n in ("sort-b", "sort-c", "sort-a")]})
        self.assertEqual(resp.status, 201, resp)
        base = "network_id=%s&fields=name" % net["id"]
        self.assertEqual([p["name"] for p in self.listing(
            "ports", base + "&sort_key=name&sort_dir=asc")], ["sort-a", "sort-b", "sort-c"])
        self.assertEqual([p["name"] for p in self.listing(
            "ports", base + "&sort_key=name&sort_dir=desc")], ["sort-c", "sort-b", "sort-a"])
        resp = self.api("GET", "/v2.0/ports?sort_key=bogus&sort_dir=asc")
        self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                "['bogus'] is invalid attribute for sort_keys")

    def test_pagination_links_cover_every_port_once(self):
        net, _ = self.make_network("10.0.0.0/24")
        resp = self.api("POST", "/v2.0/ports", {"ports": [
            {"network_id": net["id"], "name": "page-%02d" % i} for i in range(10)]})
        self.assertEqual(resp.status, 201, resp)
        expected = sorted(p["id"] for p in resp.json()["ports"])

        for order in ("", "&sort_key=name&sort_dir=desc"):
            with self.subTest(order=order):
                path = "/v2.0/ports?network_id=%s&limit=3%s" % (net["id"], order)
                seen, pages = [], []
                while path is not None:
                    self.assertLess(len(pages), 10, "pagination does not end")
                    resp = self.api("GET", path)
                    self.assertEqual(resp.status, 200, resp)
                    body = resp.json()
                    pages.append(len(body["ports"]))
                    self.assertLessEqual(len(body["ports"]), 3)
                    seen.extend(p["id"] for p in body["ports"])
                    nexts = [l["href"] for l in body.get("ports_links", []) if l["rel"] == "next"]
                    path = None
                    if nexts:
                        self.assertTrue(nexts[0].startswith(self.controller.url + "/v2.0/ports?"),
                                        nexts[0])
                        self.assertIn("marker=", nexts[0])
                        path = nexts[0][len(self.controller.url):]
                self.assertEqual(sorted(seen), expected)
                self.assertEqual(len(seen), len(set(seen)), "a port was listed twice")
                self.assertEqual(pages[:4], [3, 3, 3, 1])
                if order:
                    names = [self.get("port", i)["name"] for i in seen]
                    self.assertEqual(names, sorted(names, reverse=True))

    def test_filters(self):
        net, sub = self.make_network("10.0.0.0/24")
        a = self.create("port", {"network_id": net["id"], "name": "flt-a",
                                 "device_owner": "compute:nova",
                                 "fixed_ips": [{"ip_address": "10.0.0.77"}]})
        self.create("port", {"network_id": net["id"], "name": "flt-b"})
        query = urllib.parse.urlencode({"network_id": net["id"]})
        self.assertEqual({p["name"] for p in self.listing("ports", query)}, {"flt-a", "flt-b"})
        self.assertEqual([p["id"] for p in self.listing(
            "ports", query + "&device_owner=compute:nova")], [a["id"]])
        self.assertEqual([p["id"] for p in self.listing(
            "ports", query + "&fixed_ips=ip_address%3D10.0.0.77")], [a["id"]])
        resp = self.api("GET", "/v2.0/ports?bogus=1")
        self.assertNeutronError(resp, 400, "HTTPBadRequest",
                                "['bogus'] is invalid attribute for filtering")


if __name__ == "__main__":
    unittest.main()
