"""The metadata service and the instance admin API against a real neutrino-controller.

Instances are registered through POST /v2.1/neutrino/instances (as the compute driver will),
ports name them in device_id, and requests reach the metadata listener the way the agent's
proxy sends them: X-Instance-ID, X-Tenant-ID, X-Forwarded-For and X-Instance-ID-Signature =
hex HMAC-SHA256(shared secret, instance id), computed here with Python's hmac module as
Neutron's metadata agent computes it. Expected documents follow Nova's metadata service
(nova/api/metadata/base.py, nova/virt/netutils.py).
"""

import base64
import hashlib
import hmac
import json
import os
import time
import unittest
import uuid

import harness

SECRET = "it-metadata-secret"
INSTANCES = "/v2.1/neutrino/instances"
PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIO2L7nJ6Z3gKpN8y0wq test@neutrino"
USER_DATA = b"#cloud-config\nhostname: from-user-data\n"


def sign(instance_id, secret=SECRET):
    return hmac.new(secret.encode(), instance_id.encode(), hashlib.sha256).hexdigest()


class MetadataTestCase(harness.ControllerTestCase):
    """A controller serving metadata on an ephemeral port, a tenant with a network, a static
    (DHCP-less) subnet and a DHCP subnet, and a second tenant."""

    controller_args = ("--metadata-listen", "127.0.0.1:0", "--metadata-secret", SECRET)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.controller.token()
        cls.tenant = cls.controller.create_member("md-tenant", "md-user", "md-user-pw")
        cls.other = cls.controller.create_member("md-other", "md-other-user", "md-other-pw")
        cls.metadata_url = cls.wait_for_metadata_url()
        cls.metadata = harness.KeepAliveClient(cls.metadata_url)
        cls.addClassCleanup(cls.metadata.close)
        cls.network = cls.admin_call("POST", "/v2.0/networks", {"network": {
            "name": "md-net", "project_id": cls.tenant["project_id"]}})["network"]
        cls.static_subnet = cls.admin_call("POST", "/v2.0/subnets", {"subnet": {
            "network_id": cls.network["id"], "ip_version": 4, "cidr": "10.20.0.0/24",
            "enable_dhcp": False, "dns_nameservers": ["10.20.0.2", "9.9.9.9"],
            "host_routes": [{"destination": "10.99.0.0/16", "nexthop": "10.20.0.254"}],
            "project_id": cls.tenant["project_id"]}})["subnet"]
        cls.dhcp_network = cls.admin_call("POST", "/v2.0/networks", {"network": {
            "name": "md-dhcp-net", "project_id": cls.tenant["project_id"]}})["network"]
        cls.dhcp_subnet = cls.admin_call("POST", "/v2.0/subnets", {"subnet": {
            "network_id": cls.dhcp_network["id"], "ip_version": 4, "cidr": "10.30.0.0/24",
            "project_id": cls.tenant["project_id"]}})["subnet"]

    @classmethod
    def wait_for_metadata_url(cls):
        path = os.path.join(cls.controller.data_dir, "metadata.url")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if os.path.exists(path):
                with open(path) as f:
                    url = f.read().strip()
                if url:
                    return url
            time.sleep(0.05)
        raise RuntimeError("the controller did not publish metadata.url:\n"
                           + cls.controller.log_text())

    @classmethod
    def admin_call(cls, method, path, body=None):
        resp = cls.controller.request(method, path, body, token=cls.admin)
        if resp.status not in (200, 201, 204):
            raise RuntimeError("%s %s failed: %r" % (method, path, resp))
        return resp.json()

    # --- helpers ------------------------------------------------------------------------------

    def api(self, method, path, body=None, token=None):
        return self.controller.request(method, path, body,
                                       token=self.admin if token is None else token)

    def make_instance(self, name, project=None, **attributes):
        body = dict({"name": name, "project_id": project or self.tenant["project_id"],
                     "key_name": "key-" + name, "public_key": PUBLIC_KEY + " " + name,
                     "user_data": base64.b64encode(USER_DATA).decode(),
                     "flavor_name": "m1.tiny"}, **attributes)
        resp = self.api("POST", INSTANCES, {"instance": body})
        self.assertEqual(resp.status, 201, resp)
        instance = resp.json()["instance"]
        self.addCleanup(self.api, "DELETE", INSTANCES + "/" + instance["id"])
        return instance

    def make_port(self, instance, network=None):
        network = network or self.network
        resp = self.api("POST", "/v2.0/ports", {"port": {
            "network_id": network["id"], "device_id": instance["id"],
            "device_owner": "compute:nova", "project_id": instance["project_id"]}})
        self.assertEqual(resp.status, 201, resp)
        port = resp.json()["port"]
        self.addCleanup(self.api, "DELETE", "/v2.0/ports/" + port["id"])
        return port

    def guest_get(self, path, instance_id, tenant_id, signature=None, forwarded_for=None,
                  omit=()):
        """GET path on the metadata listener with the proxy's headers; `omit` drops some."""
        headers = {"X-Instance-ID": instance_id,
                   "X-Tenant-ID": tenant_id,
                   "X-Instance-ID-Signature": sign(instance_id) if signature is None
                   else signature}
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        for name in omit:
            headers.pop(name)
        return self.metadata.request("GET", path, headers=headers)

    def guest(self, path, instance, port=None):
        """The body of a GET a guest with `instance`'s port makes; asserts 200."""
        address = port["fixed_ips"][0]["ip_address"] if port else None
        resp = self.guest_get(path, instance["id"], instance["project_id"],
                              forwarded_for=address)
        self.assertEqual(resp.status, 200, (path, resp))
        return resp.body


class InstanceApiTest(MetadataTestCase):
    """POST/GET/DELETE /v2.1/neutrino/instances: admin-only writes, Neutron's error bodies."""

    def test_admin_creates_shows_lists_and_deletes(self):
        resp = self.api("POST", INSTANCES, {"instance": {
            "name": "Api VM_1", "project_id": self.tenant["project_id"],
            "key_name": "k1", "public_key": PUBLIC_KEY, "availability_zone": "az-2",
            "launch_index": 1, "flavor_name": "m1.small", "metadata": {"role": "db"},
            "user_data": base64.b64encode(b"hi").decode()}})
        self.assertEqual(resp.status, 201, resp)
        instance = resp.json()["instance"]
        self.assertTrue(resp.headers["Location"].endswith(INSTANCES + "/" + instance["id"]))
        uuid.UUID(instance["id"])
        self.assertEqual(instance["hostname"], "api-vm-1")  # Nova's sanitized display name
        self.assertEqual(instance["project_id"], self.tenant["project_id"])
        self.assertEqual(instance["availability_zone"], "az-2")
        self.assertEqual(instance["launch_index"], 1)
        self.assertEqual(instance["security_groups"], [{"name": "default"}])
        self.assertRegex(instance["ec2_id"], r"^i-[0-9a-f]{8}$")
        self.assertRegex(instance["reservation_id"], r"^r-[a-z0-9]{8}$")
        self.assertEqual(instance["user_data"], "aGk=")

        shown = self.api("GET", INSTANCES + "/" + instance["id"])
        self.assertEqual(shown.status, 200, shown)
        self.assertEqual(shown.json()["instance"], instance)
        listed = self.api("GET", INSTANCES).json()["instances"]
        self.assertIn(instance["id"], [i["id"] for i in listed])
        # A member sees its own project's instances, and no one else's.
        mine = self.api("GET", INSTANCES, token=self.tenant["token"]).json()["instances"]
        self.assertIn(instance["id"], [i["id"] for i in mine])
        self.assertTrue(all(i["project_id"] == self.tenant["project_id"] for i in mine))
        theirs = self.api("GET", INSTANCES, token=self.other["token"]).json()["instances"]
        self.assertNotIn(instance["id"], [i["id"] for i in theirs])
        self.assertNeutronError(
            self.api("GET", INSTANCES + "/" + instance["id"], token=self.other["token"]),
            404, "InstanceNotFound")

        self.assertNeutronError(
            self.api("DELETE", INSTANCES + "/" + instance["id"], token=self.tenant["token"]),
            403, "PolicyNotAuthorized")
        self.assertEqual(self.api("DELETE", INSTANCES + "/" + instance["id"]).status, 204)
        self.assertNeutronError(self.api("GET", INSTANCES + "/" + instance["id"]), 404,
                                "InstanceNotFound")
        self.assertNeutronError(self.api("DELETE", INSTANCES + "/" + instance["id"]), 404,
                                "InstanceNotFound")

    def test_member_cannot_create_instances(self):
        before = self.api("GET", INSTANCES).json()["instances"]
        resp = self.api("POST", INSTANCES, {"instance": {"name": "sneaky"}},
                        token=self.tenant["token"])
        self.assertNeutronError(resp, 403, "PolicyNotAuthorized",
                                "(rule:create_instance) is disallowed by policy")
        self.assertEqual(self.api("GET", INSTANCES).json()["instances"], before)

    def test_without_token_is_401(self):
        resp = self.controller.request("POST", INSTANCES, {"instance": {"name": "x"}})
        self.assertEqual(resp.status, 401, resp)
        self.assertIn("Keystone uri=", resp.headers.get("WWW-Authenticate", ""))

    def test_bad_input_is_400(self):
        before = self.api("GET", INSTANCES).json()["instances"]
        for body, message in (
                ({"instance": {}},
                 "Failed to parse request. Required attribute 'name' not specified"),
                ({"server": {"name": "x"}}, "Unable to find 'instance' in request body"),
                ({"instance": {"name": "x", "colour": "red"}},
                 "Unrecognized attribute(s) 'colour'"),
                ({"instance": {"name": "x", "user_data": "%%%"}},
                 "User data needs to be valid base 64."),
                ({"instance": {"name": "x", "key_name": "k"}}, None),
                ({"instance": {"name": "x", "hostname": "bad_host"}}, None),
                ({"instance": {"name": "x", "launch_index": -1}}, None),
                ({"instance": {"name": "x", "id": "nope"}}, None)):
            with self.subTest(body=body):
                self.assertNeutronError(self.api("POST", INSTANCES, body), 400,
                                        "HTTPBadRequest", message)
        resp = self.api("POST", INSTANCES, b"{not json")
        self.assertNeutronError(resp, 400, "HTTPBadRequest", "Body contains invalid data")
        self.assertEqual(self.api("GET", INSTANCES).json()["instances"], before)

    def test_duplicate_id_is_409(self):
        instance = self.make_instance("dup")
        resp = self.api("POST", INSTANCES, {"instance": {"name": "dup2", "id": instance["id"]}})
        self.assertNeutronError(resp, 409, "InstanceExists")


class MetadataServiceTest(MetadataTestCase):
    """What a guest gets through the proxy, and what it cannot get."""

    def test_root_lists_versions_without_identification(self):
        resp = self.metadata.request("GET", "/")
        self.assertEqual(resp.status, 200, resp)
        self.assertEqual(resp.body.splitlines()[-2:], ["2009-04-04", "latest"])

    def test_ec2_documents(self):
        instance = self.make_instance("ec2-vm")
        port = self.make_port(instance)
        address = port["fixed_ips"][0]["ip_address"]
        self.assertEqual(self.guest("/latest/meta-data/instance-id", instance, port),
                         instance["ec2_id"])
        self.assertEqual(self.guest("/latest/meta-data/hostname", instance, port),
                         "ec2-vm.novalocal")
        self.assertEqual(self.guest("/latest/meta-data/local-hostname", instance, port),
                         "ec2-vm.novalocal")
        self.assertEqual(self.guest("/latest/meta-data/local-ipv4", instance, port), address)
        self.assertEqual(self.guest("/latest/meta-data/public-keys/", instance, port),
                         "0=key-ec2-vm")
        self.assertEqual(self.guest("/latest/meta-data/public-keys/0/openssh-key", instance,
                                    port), PUBLIC_KEY + " ec2-vm")
        self.assertEqual(self.guest("/2009-04-04/meta-data/placement/availability-zone",
                                    instance, port), "nova")
        self.assertEqual(self.guest("/latest/meta-data/instance-type", instance, port),
                         "m1.tiny")
        self.assertEqual(self.guest("/latest/meta-data/security-groups", instance, port),
                         "default")
        self.assertEqual(self.guest("/latest/user-data", instance, port), USER_DATA.decode())
        listing = self.guest("/latest/meta-data/", instance, port).splitlines()
        self.assertEqual(listing, sorted(listing))
        for entry in ("ami-id", "ami-launch-index", "ami-manifest-path", "block-device-mapping/",
                      "hostname", "instance-action", "instance-id", "instance-type",
                      "local-hostname", "local-ipv4", "placement/", "public-hostname",
                      "public-ipv4", "public-keys/", "reservation-id", "security-groups"):
            self.assertIn(entry, listing)
        self.assertEqual(self.guest("/latest/", instance, port), "meta-data/\nuser-data")

    def test_openstack_documents(self):
        instance = self.make_instance("os-vm")
        port = self.make_port(instance)
        versions = self.guest("/openstack/", instance, port).splitlines()
        self.assertEqual(versions[0], "2012-08-10")
        self.assertIn("2018-08-27", versions)
        self.assertEqual(versions[-1], "latest")
        self.assertIn("network_data.json",
                      self.guest("/openstack/latest/", instance, port).splitlines())

        resp = self.guest_get("/openstack/latest/meta_data.json", instance["id"],
                              instance["project_id"])
        self.assertEqual(resp.status, 200, resp)
        self.assertIn("application/json", resp.headers["Content-Type"])
        md = json.loads(resp.body)
        self.assertEqual(md["uuid"], instance["id"])
        self.assertEqual(md["name"], "os-vm")
        self.assertEqual(md["hostname"], "os-vm.novalocal")
        self.assertEqual(md["project_id"], self.tenant["project_id"])
        self.assertEqual(md["availability_zone"], "nova")
        self.assertEqual(md["launch_index"], 0)
        self.assertEqual(md["public_keys"], {"key-os-vm": PUBLIC_KEY + " os-vm"})
        self.assertEqual(md["keys"], [{"name": "key-os-vm", "type": "ssh",
                                       "data": PUBLIC_KEY + " os-vm"}])
        self.assertEqual(md["devices"], [])
        self.assertEqual(md["meta"], {})
        self.assertEqual(len(base64.b64decode(md["random_seed"])), 512)
        self.assertEqual(self.guest("/openstack/latest/user_data", instance, port),
                         USER_DATA.decode())

        nd = json.loads(self.guest("/openstack/latest/network_data.json", instance, port))
        link = "tap" + port["id"][:11]
        self.assertEqual(nd["links"], [{"id": link, "vif_id": port["id"], "type": "phy",
                                        "mtu": self.network["mtu"],
                                        "ethernet_mac_address": port["mac_address"]}])
        dns = [{"type": "dns", "address": "10.20.0.2"}, {"type": "dns", "address": "9.9.9.9"}]
        self.assertEqual(nd["networks"], [{
            "id": "network0", "type": "ipv4", "link": link,
            "ip_address": port["fixed_ips"][0]["ip_address"], "netmask": "255.255.255.0",
            "routes": [{"network": "0.0.0.0", "netmask": "0.0.0.0", "gateway": "10.20.0.1"},
                       {"network": "10.99.0.0", "netmask": "255.255.0.0",
                        "gateway": "10.20.0.254"}],
            "network_id": self.network["id"], "services": dns}])
        self.assertEqual(nd["services"], dns)

    def test_dhcp_subnet_is_left_to_dhcp(self):
        instance = self.make_instance("dhcp-vm")
        port = self.make_port(instance, self.dhcp_network)
        nd = json.loads(self.guest("/openstack/latest/network_data.json", instance, port))
        self.assertEqual(nd["networks"], [{"id": "network0", "type": "ipv4_dhcp",
                                           "link": "tap" + port["id"][:11],
                                           "network_id": self.dhcp_network["id"]}])
        self.assertEqual(self.guest("/latest/meta-data/local-ipv4", instance, port),
                         port["fixed_ips"][0]["ip_address"])

    def test_forged_or_missing_signature_is_403(self):
        instance = self.make_instance("forged-vm")
        self.make_port(instance)
        for signature in ("", "0" * 64, sign(instance["id"], "wrong-secret"),
                          sign(instance["id"]).upper(), sign(instance["id"])[:-1]):
            with self.subTest(signature=signature):
                resp = self.guest_get("/latest/meta-data/instance-id", instance["id"],
                                      instance["project_id"], signature=signature)
                self.assertEqual(resp.status, 403, resp)
                self.assertNotIn(instance["ec2_id"], resp.body)
        resp = self.guest_get("/latest/meta-data/instance-id", instance["id"],
                              instance["project_id"], omit=("X-Instance-ID-Signature",))
        self.assertEqual(resp.status, 403, resp)
        resp = self.metadata.request("GET", "/openstack/latest/meta_data.json")
        self.assertIn(resp.status, (400, 403), resp)  # nothing names an instance
        self.assertNotIn(instance["id"], resp.body)

    def test_wrong_tenant_is_403(self):
        instance = self.make_instance("tenant-vm")
        resp = self.guest_get("/openstack/latest/meta_data.json", instance["id"],
                              self.other["project_id"])
        self.assertEqual(resp.status, 403, resp)
        self.assertNotIn(instance["id"], resp.body)

    def test_signature_binds_the_instance(self):
        one = self.make_instance("bind-one")
        two = self.make_instance("bind-two")
        port_one = self.make_port(one)
        port_two = self.make_port(two)
        # Instance two's id with its own valid signature gives two's data, and only two's,
        # even when the request comes from one's address.
        resp = self.guest_get("/openstack/latest/meta_data.json", two["id"], two["project_id"],
                              forwarded_for=port_one["fixed_ips"][0]["ip_address"])
        self.assertEqual(resp.status, 200, resp)
        md = json.loads(resp.body)
        self.assertEqual((md["uuid"], md["name"]), (two["id"], "bind-two"))
        self.assertNotIn(one["id"], resp.body)
        nd = json.loads(self.guest("/openstack/latest/network_data.json", two, port_two))
        self.assertEqual([link["vif_id"] for link in nd["links"]], [port_two["id"]])
        # One's id with two's signature opens nothing.
        resp = self.guest_get("/latest/meta-data/hostname", one["id"], one["project_id"],
                              signature=sign(two["id"]))
        self.assertEqual(resp.status, 403, resp)

    def test_unknown_paths_and_instances_are_404(self):
        instance = self.make_instance("paths-vm")
        port = self.make_port(instance)
        for path in ("/latest/meta-data/no-such-key", "/2010-01-01/meta-data/",
                     "/openstack/latest/no_such.json", "/openstack/2011-01-01/meta_data.json",
                     "/latest/meta-data/hostname/more", "/favicon.ico"):
            with self.subTest(path=path):
                resp = self.guest_get(path, instance["id"], instance["project_id"],
                                      forwarded_for=port["fixed_ips"][0]["ip_address"])
                self.assertEqual(resp.status, 404, resp)
        unknown = str(uuid.uuid4())
        resp = self.guest_get("/latest/meta-data/", unknown, self.tenant["project_id"])
        self.assertEqual(resp.status, 404, resp)
        no_user_data = self.make_instance("no-ud-vm", user_data=None)
        resp = self.guest_get("/latest/user-data", no_user_data["id"],
                              no_user_data["project_id"])
        self.assertEqual(resp.status, 404, resp)

    def test_deleted_instance_is_gone_from_metadata(self):
        resp = self.api("POST", INSTANCES, {"instance": {
            "name": "gone-vm", "project_id": self.tenant["project_id"]}})
        instance = resp.json()["instance"]
        self.assertEqual(self.guest_get("/latest/meta-data/hostname", instance["id"],
                                        instance["project_id"]).status, 200)
        self.assertEqual(self.api("DELETE", INSTANCES + "/" + instance["id"]).status, 204)
        self.assertEqual(self.guest_get("/latest/meta-data/hostname", instance["id"],
                                        instance["project_id"]).status, 404)


if __name__ == "__main__":
    unittest.main()
