"""The Tempest tier: Neutron's own API tests (tempest.api.network and neutron_tempest_plugin.api)
against a real neutrino-controller, as an operator validating a cloud would run them.

It starts a controller on loopback (ephemeral port, temporary data directory), asks it which
extensions it advertises, writes a tempest.conf with exactly those and dynamic credentials (the
admin creates a project and user per test class through the controller's Keystone v3 API), and
runs `tempest run` with concurrency 2, excluding the tests listed in skip_list.txt. Exit status:
0 only when no test failed. Counts per module are printed at the end.

Run with /usr/bin/python3 (Debian's tempest is installed for it). NEUTRINO_BIN_DIR names the
binaries (default ../../build/bin). Extra arguments go to `tempest run` after `--`, e.g.
`tempest_tier.py -- --regex test_subnets` for a quick loop while fixing one module.
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
import harness  # noqa: E402  (the integration tests' controller launcher)
import multihost  # noqa: E402  (simulated hypervisors for the agents)

TESTS = r"^(tempest\.api\.network|neutron_tempest_plugin\.api)\."
SKIP_LIST = os.path.join(HERE, "skip_list.txt")
PYTHON = "/usr/bin/python3"
# Network ranges the provider-network tests may ask for.
VLAN_RANGES = "physnet1:1000:1999"


def check_skip_list():
    """Every exclusion names its reason: "<regex>  # <reason>"; raises ValueError otherwise."""
    with open(SKIP_LIST) as f:
        for number, line in enumerate(f, 1):
            regex, _, reason = line.strip().partition("#")
            if regex.strip():
                re.compile(regex.strip())
                if not reason.strip():
                    raise ValueError("%s:%d excludes %s without a reason"
                                     % (SKIP_LIST, number, regex.strip()))


def leftover_identities(controller):
    """Projects and users other than the bootstrap admin's: dynamic credentials Tempest failed
    to remove through the identity API (it deletes each class's project and user)."""
    token = controller.token()
    left = []
    for collection in ("projects", "users"):
        resp = controller.request("GET", "/v3/" + collection, token=token)
        left += ["%s %s" % (collection[:-1], item["name"]) for item in resp.json()[collection]
                 if item["name"] != "admin"]
    return left


AGENT_SECRET = "tempest-tier-agent-secret"
METADATA_SECRET = "tempest-tier-metadata-secret"
AGENT_HOSTS = 2


def controller_ports():
    """The agent channel's and the metadata service's ports (the controller listens on them
    on loopback; the hosts reach them through relays)."""
    return multihost.free_port(), multihost.free_port()


def start_agents(controller, agent_port, metadata_port):
    """Two simulated hypervisors, each with a real neutrino-agent (serving DHCP and metadata),
    for the agent, availability zone and DHCP scheduler tests. Returns the MultiHost to stop;
    waits until each host's three agents are alive."""
    hosts = multihost.MultiHost(AGENT_HOSTS)
    try:
        hosts.start()
        relay = hosts.forward(agent_port)
        metadata_relay = hosts.forward(metadata_port)
        for h in hosts.hosts:
            h.start_agent(relay.hostport, extra=(
                "--agent-secret", AGENT_SECRET, "--metadata-service", metadata_relay.hostport,
                "--metadata-secret", METADATA_SECRET))
        token = controller.token()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            agents = controller.request("GET", "/v2.0/agents", token=token).json()["agents"]
            if sum(a["alive"] for a in agents) == 3 * AGENT_HOSTS:
                return hosts
            time.sleep(0.2)
        raise RuntimeError("the agents did not come up alive: %r" % agents)
    except BaseException:
        hosts.stop()
        raise


def create_public_network(controller):
    """The admin's external network with a subnet, as a deployment (devstack's "public") has:
    tempest checks that every project sees it but not its subnets."""
    token = controller.token()
    resp = controller.request("POST", "/v2.0/networks", {"network": {
        "name": "public", "router:external": True}}, token=token)
    if resp.status != 201:
        raise RuntimeError("creating the public network failed: %r" % resp)
    network_id = resp.json()["network"]["id"]
    resp = controller.request("POST", "/v2.0/subnets", {"subnet": {
        "name": "public-subnet", "network_id": network_id, "ip_version": 4,
        "cidr": "172.24.4.0/24", "enable_dhcp": False}}, token=token)
    if resp.status != 201:
        raise RuntimeError("creating the public subnet failed: %r" % resp)
    return network_id


def advertised_extensions(controller):
    token = controller.token()
    request = urllib.request.Request(controller.url + "/v2.0/extensions",
                                     headers={"X-Auth-Token": token})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    return sorted(e["alias"] for e in body["extensions"])


def tempest_conf(controller, extensions, log_dir, public_network_id):
    """tempest.conf for one controller: Keystone v3 at its /v3, only Neutron available."""
    return f"""[DEFAULT]
log_dir = {log_dir}
log_file = tempest.log
debug = false

[auth]
use_dynamic_credentials = true
create_isolated_networks = false
admin_username = admin
admin_password = {controller.admin_password}
admin_project_name = admin
admin_domain_name = Default
default_credentials_domain_name = Default
tempest_roles = member

[identity]
uri_v3 = {controller.url}/v3
auth_version = v3
region = RegionOne
catalog_type = identity
v3_endpoint_type = public

[identity-feature-enabled]
api_v2 = false
api_v3 = true

[service_available]
neutron = true
nova = false
glance = false
cinder = false
swift = false
heat = false
horizon = false
placement = false

[network]
catalog_type = network
region = RegionOne
endpoint_type = public
project_network_cidr = 10.100.0.0/16
project_network_mask_bits = 28
project_network_v6_cidr = 2001:db8::/48
project_network_v6_mask_bits = 64
project_networks_reachable = false
public_network_id = {public_network_id}
shared_physical_network = false

[network-feature-enabled]
api_extensions = {",".join(extensions)}
ipv6 = true
ipv6_subnet_attributes = true
port_security = {"true" if "port-security" in extensions else "false"}

[neutron_plugin_options]
available_type_drivers = flat,vlan,vxlan
provider_vlans = physnet1
create_shared_resources = false
agent_availability_zone = nova

[validation]
run_validation = false
"""


def write_workspace(root, conf_text):
    etc = os.path.join(root, "etc")
    os.makedirs(etc)
    os.makedirs(os.path.join(root, "logs"))
    with open(os.path.join(etc, "tempest.conf"), "w") as f:
        f.write(conf_text)
    # Discovery through tempest's own test_discover loads every installed plugin's tests.
    with open(os.path.join(root, ".stestr.conf"), "w") as f:
        f.write("[DEFAULT]\ntest_path=/usr/lib/python3/dist-packages/tempest/test_discover\n"
                "top_dir=/usr/lib/python3/dist-packages\n")
    return etc


def tier_env(etc):
    env = harness.clean_env()
    env["TEMPEST_CONFIG_DIR"] = etc
    env["TEMPEST_CONFIG"] = "tempest.conf"
    env["NEUTRINO_TEMPEST_TIER"] = "1"
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.join(HERE, "sitecustomize")] +
        ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def class_of(test_id):
    """tempest.api.network.test_ports.PortsTestJSON.test_x[id-…] -> …test_ports.PortsTestJSON."""
    return test_id.split("[")[0].rsplit(".", 1)[0]


def module_of(test_id):
    return class_of(test_id).rsplit(".", 1)[0]


def selected_tests(workspace, env, tempest_args):
    listing = subprocess.run(["/usr/bin/tempest", "run", "--list-tests", "--regex", TESTS,
                              "--exclude-list", SKIP_LIST] + tempest_args,
                             cwd=workspace, env=env, capture_output=True, text=True)
    return [line.strip() for line in listing.stdout.splitlines()
            if line.startswith(("tempest.", "neutron_tempest_plugin."))]


def summarise(workspace, env, selected):
    """Per-module pass/fail/skip counts of the last run, one per selected test.

    A class that skips (a missing extension) or fails in setUpClass reports once, as
    "setUpClass (<class>)"; here each of its tests counts with that result, where stestr's
    totals (printed by `tempest run`) count the class once. A selected test with no result
    at all counts as a failure.
    """
    last = subprocess.run([PYTHON, "-m", "stestr", "last", "--subunit"], cwd=workspace, env=env,
                          capture_output=True)
    statuses = subprocess.run([PYTHON, "-c", SUBUNIT_STATUSES], input=last.stdout,
                              capture_output=True)
    by_test, by_class = {}, {}
    for line in statuses.stdout.decode().splitlines():
        test_id, result = line.rsplit(" ", 1)
        fixture = re.match(r"^(?:setUpClass|tearDownClass) \((.*)\)$", test_id)
        if fixture:
            # A tearDownClass failure fails the class even when its tests passed.
            if fixture.group(1) not in by_class or result == "fail":
                by_class[fixture.group(1)] = result
        else:
            by_test[test_id] = result
    counts = collections.defaultdict(collections.Counter)
    for test_id in selected:
        result = by_class.get(class_of(test_id)) if by_class.get(class_of(test_id)) in (
            "skip", "fail") else None
        result = result or by_test.get(test_id.split("[")[0]) or by_test.get(test_id) or "fail"
        counts[module_of(test_id)][result] += 1
    return counts


# Reads a subunit v2 stream on stdin, prints "<test id> <pass|fail|skip>" per test.
SUBUNIT_STATUSES = r"""
import sys, subunit, testtools
class Collect(testtools.StreamResult):
    def __init__(self):
        super().__init__(); self.results = {}
    def status(self, test_id=None, test_status=None, **kw):
        if test_id and test_status in ("success", "fail", "skip", "xfail", "uxsuccess"):
            self.results[test_id] = {"success": "pass", "xfail": "pass", "skip": "skip"}.get(
                test_status, "fail")
result = Collect()
result.startTestRun()
subunit.ByteStreamToStreamResult(sys.stdin.buffer, non_subunit_name="stdout").run(result)
result.stopTestRun()
for test_id, status in sorted(result.results.items()):
    print(test_id, status)
"""


def print_counts(counts):
    total = collections.Counter()
    print("\n%-72s %5s %5s %5s" % ("module", "pass", "fail", "skip"))
    for module in sorted(counts):
        c = counts[module]
        total.update(c)
        print("%-72s %5d %5d %5d" % (module, c["pass"], c["fail"], c["skip"]))
    for prefix in ("tempest.api.network", "neutron_tempest_plugin.api"):
        sub = collections.Counter()
        for module, c in counts.items():
            if module.startswith(prefix):
                sub.update(c)
        print("%-72s %5d %5d %5d" % (prefix + " (all)", sub["pass"], sub["fail"], sub["skip"]))
    print("%-72s %5d %5d %5d" % ("total", total["pass"], total["fail"], total["skip"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true",
                        help="keep the workspace (tempest.conf, logs, controller log)")
    parser.add_argument("tempest_args", nargs="*", help="extra `tempest run` arguments")
    args = parser.parse_args()

    started = time.monotonic()
    check_skip_list()
    workspace = tempfile.mkdtemp(prefix="neutrino-tempest-")
    agent_port, metadata_port = controller_ports()
    controller = harness.ControllerProcess(extra_args=[
        "--network-vlan-ranges", VLAN_RANGES, "--log-level", "info",
        "--agent-listen", "127.0.0.1:%d" % agent_port, "--agent-secret", AGENT_SECRET,
        "--agent-heartbeat", "2", "--metadata-listen", "127.0.0.1:%d" % metadata_port,
        "--metadata-secret", METADATA_SECRET])
    hosts = None
    code = 1
    try:
        controller.start()
        hosts = start_agents(controller, agent_port, metadata_port)
        extensions = advertised_extensions(controller)
        print("controller %s advertises %d extensions: %s"
              % (controller.url, len(extensions), " ".join(extensions)), flush=True)
        conf = tempest_conf(controller, extensions, os.path.join(workspace, "logs"),
                            create_public_network(controller))
        etc = write_workspace(workspace, conf)
        env = tier_env(etc)
        subprocess.run([PYTHON, "-m", "stestr", "init"], cwd=workspace, env=env, check=True,
                       stdout=subprocess.DEVNULL)
        command = ["/usr/bin/tempest", "run", "--regex", TESTS, "--exclude-list",
                   SKIP_LIST, "--concurrency", "2"] + args.tempest_args
        print("running:", " ".join(command), flush=True)
        code = subprocess.run(command, cwd=workspace, env=env).returncode
        counts = summarise(workspace, env, selected_tests(workspace, env, args.tempest_args))
        if counts:
            print_counts(counts)
            if any(c["fail"] for c in counts.values()):
                code = code or 1
        left = leftover_identities(controller)
        if left:
            print("dynamic credentials left behind: " + ", ".join(left))
            code = code or 1
        print("tempest tier: %s in %.0f s" % ("PASSED" if code == 0 else "FAILED",
                                             time.monotonic() - started))
    finally:
        controller_log = controller.log_path if controller.tmp else None
        if args.keep and controller_log and os.path.exists(controller_log):
            shutil.copy(controller_log, os.path.join(workspace, "controller.log"))
        if hosts:
            hosts.stop()
        controller.stop()
        if args.keep:
            print("workspace kept in", workspace)
        else:
            shutil.rmtree(workspace, ignore_errors=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
