"""A short run of neutrino-controller for the sanitizer flavours (sanitized.py, ./test.sh):
what a user does in one sitting with the `openstack` CLI, networks, subnets, ports and security
groups created, listed and deleted, while raw HTTP clients on several threads create, update,
delete and send bad bodies at the same time. The agent channel and the metadata service listen
too, so their threads start and stop with the rest. The controller must end cleanly on SIGTERM:
its exit code is where LeakSanitizer and ThreadSanitizer report.

Under the main flavour's binaries it is an ordinary (if redundant) integration test.
"""

import threading
import unittest

import harness


class ControllerSmokeTest(harness.ControllerTestCase):

    controller_args = ("--agent-listen", "127.0.0.1:0", "--agent-secret", "smoke-agent-secret",
                       "--metadata-listen", "127.0.0.1:0",
                       "--metadata-secret", "smoke-metadata-secret")

    def churn(self, token, worker, errors):
        """One client: creates, reads, renames and deletes its own networks and sends a body
        the API must refuse, checking every answer."""
        def expect(status, resp, what):
            if resp.status != status:
                errors.append("%s: %r" % (what, resp))
            return resp

        call = self.controller.request
        for i in range(8):
            net = expect(201, call("POST", "/v2.0/networks", {"network": {
                "name": "churn-%d-%d" % (worker, i)}}, token=token), "create")
            if net.status != 201:
                continue
            net_id = net.json()["network"]["id"]
            expect(201, call("POST", "/v2.0/subnets", {"subnet": {
                "network_id": net_id, "ip_version": 4, "cidr": "10.%d.%d.0/24" % (80 + worker, i)}},
                token=token), "subnet")
            expect(200, call("GET", "/v2.0/networks?fields=id&fields=name", token=token), "list")
            expect(200, call("PUT", "/v2.0/networks/" + net_id, {"network": {
                "name": "renamed-%d-%d" % (worker, i)}}, token=token), "update")
            expect(400, call("POST", "/v2.0/ports", {"port": {"network_id": net_id,
                                                              "fixed_ips": "not a list"}},
                             token=token), "bad port")
            expect(400, call("POST", "/v2.0/networks", b"{\"network\": [", token=token),
                   "bad JSON")
            expect(204, call("DELETE", "/v2.0/networks/" + net_id, token=token), "delete")

    def test_cli_lifecycle_with_concurrent_clients_then_a_clean_exit(self):
        token = self.controller.token()
        errors = []
        clients = [threading.Thread(target=self.churn, args=(token, w, errors)) for w in range(4)]
        for client in clients:
            client.start()

        net = self.openstack("network", "create", "smoke-net", "-f", "json")
        sub = self.openstack("subnet", "create", "smoke-sub", "--network", net["id"],
                             "--subnet-range", "10.77.0.0/24", "-f", "json")
        port = self.openstack("port", "create", "smoke-port", "--network", net["id"],
                              "--fixed-ip", "subnet=%s,ip-address=10.77.0.20" % sub["id"],
                              "-f", "json")
        self.assertEqual(port["fixed_ips"][0]["ip_address"], "10.77.0.20")
        group = self.openstack("security", "group", "create", "smoke-sg", "-f", "json")
        rule = self.openstack("security", "group", "rule", "create", "--protocol", "tcp",
                              "--dst-port", "22", group["id"], "-f", "json")
        self.assertEqual(rule["port_range_min"], 22)
        self.openstack("port", "set", "--security-group", group["id"], port["id"])
        ports = self.openstack("port", "list", "--network", net["id"], "--long", "-f", "json")
        self.assertEqual([p["ID"] for p in ports], [port["id"]])
        self.assertIn(net["id"], [n["ID"] for n in self.openstack("network", "list", "-f",
                                                                   "json")])

        for client in clients:
            client.join()
        self.assertEqual(errors, [])

        self.openstack("port", "delete", port["id"])
        self.openstack("security", "group", "delete", group["id"])
        self.openstack("subnet", "delete", sub["id"])
        self.openstack("network", "delete", net["id"])
        self.assertNotIn(net["id"], [n["ID"] for n in self.openstack("network", "list", "-f",
                                                                      "json")])

        code = self.controller.terminate()
        self.assertEqual(code, 0, self.controller.log_text()[-4000:])


if __name__ == "__main__":
    unittest.main()
