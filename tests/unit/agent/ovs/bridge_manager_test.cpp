#include "agent/ovs/bridge_manager.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "agent/ovs/ovsdb_error.hpp"
#include "tests/unit/agent/ovs/ovsdb_fixture.hpp"

namespace neutrino::agent::ovs::testing {
namespace {

using namespace std::chrono_literals;
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) {
    s.pop_back();
  }
  return s;
}

class BridgeManagerTest : public OvsdbTest {
 protected:
  BridgeSpec netdev() const {
    BridgeSpec spec;
    spec.datapath_type = "netdev";
    return spec;
  }

  const PortInfo* find_port(const std::vector<PortInfo>& ports, const std::string& name) {
    for (const auto& port : ports) {
      if (port.name == name) {
        return &port;
      }
    }
    return nullptr;
  }

  std::string vsctl_get(const std::string& table, const std::string& row,
                        const std::string& column) {
    return trim(sandbox_.vsctl({"get", table, row, column}));
  }

  BridgeManager bridges_{*client_};
};

TEST_F(BridgeManagerTest, EnsureBridgeIsIdempotent) {
  const std::string br = sandbox_.name("int");
  const auto start = Clock::now();
  EXPECT_TRUE(bridges_.ensure_bridge(br, netdev()));
  std::cout << "[ timing  ] ensure_bridge (new) took "
            << std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start).count()
            << " us\n";
  EXPECT_FALSE(bridges_.ensure_bridge(br, netdev()));

  EXPECT_EQ(trim(sandbox_.vsctl({"list-br"})), br);
  EXPECT_EQ(vsctl_get("Bridge", br, "datapath_type"), "netdev");
  EXPECT_EQ(vsctl_get("Bridge", br, "fail_mode"), "secure");
  EXPECT_EQ(vsctl_get("Bridge", br, "protocols"), "[OpenFlow13]");
  // The bridge's own internal port, and nothing else.
  EXPECT_EQ(trim(sandbox_.vsctl({"list-ports", br})), "");
  EXPECT_EQ(trim(sandbox_.vsctl({"--bare", "--columns=name", "list", "Port"})), br);
  EXPECT_EQ(vsctl_get("Interface", br, "type"), "internal");

  const auto info = bridges_.get_bridge(br);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->datapath_type, "netdev");
  EXPECT_EQ(info->fail_mode, "secure");
  EXPECT_EQ(info->protocols, std::vector<std::string>{"OpenFlow13"});
  EXPECT_EQ(bridges_.list_bridges(), std::vector<std::string>{br});
}

TEST_F(BridgeManagerTest, VswitchdCreatesTheBridgesOpenFlowSocket) {
  const std::string br = sandbox_.name("int");
  bridges_.ensure_bridge(br, netdev());
  const auto start = Clock::now();
  bridges_.wait_applied();
  std::cout << "[ timing  ] ovs-vswitchd applied the new bridge after "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count()
            << " ms\n";
  EXPECT_TRUE(fs::exists(sandbox_.rundir() + "/" + br + ".mgmt"));
  const auto ports = bridges_.list_ports(br);
  ASSERT_EQ(ports.size(), 1u);
  ASSERT_EQ(ports[0].interfaces.size(), 1u);
  EXPECT_EQ(ports[0].interfaces[0].ofport, 65534);  // OFPP_LOCAL
  EXPECT_EQ(ports[0].interfaces[0].error, "");
  EXPECT_NE(sandbox_.run({"ip", "-o", "link", "show", br}).out.find(br), std::string::npos);
}

TEST_F(BridgeManagerTest, EnsureBridgeFixesSettingsAndKeepsOthersKeys) {
  const std::string br = sandbox_.name("int");
  BridgeSpec spec = netdev();
  spec.fail_mode = "standalone";
  spec.protocols = {"OpenFlow10"};
  spec.external_ids = {{"owner", "neutrino"}, {"rev", "1"}};
  bridges_.ensure_bridge(br, spec);
  sandbox_.vsctl({"set", "Bridge", br, "external_ids:admin=keep-me"});

  spec = netdev();
  spec.external_ids = {{"owner", "neutrino"}, {"rev", "2"}};
  spec.other_config = {{"mac-table-size", "2048"}};
  EXPECT_TRUE(bridges_.ensure_bridge(br, spec));
  EXPECT_FALSE(bridges_.ensure_bridge(br, spec));
  const auto info = bridges_.get_bridge(br);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->fail_mode, "secure");
  EXPECT_EQ(info->protocols, std::vector<std::string>{"OpenFlow13"});
  EXPECT_EQ(info->external_ids,
            (StringMap{{"admin", "keep-me"}, {"owner", "neutrino"}, {"rev", "2"}}));
  EXPECT_EQ(info->other_config.at("mac-table-size"), "2048");
}

TEST_F(BridgeManagerTest, PatchPairAndVxlanPort) {
  const std::string integ = sandbox_.name("int");
  const std::string tun = sandbox_.name("tun");
  const std::string to_tun = sandbox_.name("p-tun");
  const std::string to_int = sandbox_.name("p-int");
  const std::string vxlan = sandbox_.name("vx1");
  bridges_.ensure_bridge(integ, netdev());
  bridges_.ensure_bridge(tun, netdev());
  EXPECT_TRUE(bridges_.ensure_port(
      integ, {.name = to_tun, .type = "patch", .options = {{"peer", to_int}}}));
  EXPECT_TRUE(
      bridges_.ensure_port(tun, {.name = to_int, .type = "patch", .options = {{"peer", to_tun}}}));
  const PortSpec vxlan_spec = {.name = vxlan,
                               .type = "vxlan",
                               .options = {{"remote_ip", "192.0.2.2"},
                                           {"local_ip", "192.0.2.1"},
                                           {"key", "flow"},
                                           {"dst_port", "4789"}},
                               .external_ids = {{"neutrino-peer", "host-2"}}};
  EXPECT_TRUE(bridges_.ensure_port(tun, vxlan_spec));
  EXPECT_FALSE(bridges_.ensure_port(tun, vxlan_spec));
  bridges_.wait_applied();

  const auto int_ports = bridges_.list_ports(integ);
  ASSERT_EQ(int_ports.size(), 2u);
  const PortInfo* patch = find_port(int_ports, to_tun);
  ASSERT_NE(patch, nullptr);
  ASSERT_EQ(patch->interfaces.size(), 1u);
  EXPECT_EQ(patch->interfaces[0].type, "patch");
  EXPECT_EQ(patch->interfaces[0].options, (StringMap{{"peer", to_int}}));
  EXPECT_GT(patch->interfaces[0].ofport.value_or(-1), 0);
  EXPECT_EQ(patch->interfaces[0].error, "");

  const auto tun_ports = bridges_.list_ports(tun);
  ASSERT_EQ(tun_ports.size(), 3u);
  const PortInfo* tunnel = find_port(tun_ports, vxlan);
  ASSERT_NE(tunnel, nullptr);
  EXPECT_EQ(tunnel->interfaces[0].type, "vxlan");
  EXPECT_EQ(tunnel->interfaces[0].options, vxlan_spec.options);
  EXPECT_EQ(tunnel->interfaces[0].external_ids, vxlan_spec.external_ids);
  EXPECT_GT(tunnel->interfaces[0].ofport.value_or(-1), 0) << tunnel->interfaces[0].error;
  EXPECT_EQ(vsctl_get("Interface", vxlan, "options:remote_ip"), "\"192.0.2.2\"");
  EXPECT_EQ(trim(sandbox_.vsctl({"port-to-br", to_int})), tun);
}

TEST_F(BridgeManagerTest, EnsurePortUpdatesOnlyWhatDiffers) {
  const std::string br = sandbox_.name("int");
  const std::string port = sandbox_.name("tap1");
  bridges_.ensure_bridge(br, netdev());
  PortSpec spec{.name = port, .type = "internal", .external_ids = {{"iface-id", "p1"}}, .tag = 5};
  EXPECT_TRUE(bridges_.ensure_port(br, spec));
  sandbox_.vsctl({"set", "Interface", port, "external_ids:vm-uuid=from-nova"});
  spec.tag = 7;
  spec.external_ids["attached-mac"] = "fa:16:3e:00:00:01";
  EXPECT_TRUE(bridges_.ensure_port(br, spec));
  EXPECT_FALSE(bridges_.ensure_port(br, spec));
  EXPECT_EQ(vsctl_get("Port", port, "tag"), "7");
  const auto ports = bridges_.list_ports(br);
  const PortInfo* info = find_port(ports, port);
  ASSERT_NE(info, nullptr);
  EXPECT_EQ(info->tag, 7);
  EXPECT_EQ(info->interfaces[0].external_ids, (StringMap{{"attached-mac", "fa:16:3e:00:00:01"},
                                                         {"iface-id", "p1"},
                                                         {"vm-uuid", "from-nova"}}));
  spec.tag.reset();
  EXPECT_TRUE(bridges_.ensure_port(br, spec));
  EXPECT_EQ(vsctl_get("Port", port, "tag"), "[]");
}

TEST_F(BridgeManagerTest, DeletePortRemovesOnlyThatPort) {
  const std::string br = sandbox_.name("int");
  const std::string mine = sandbox_.name("mine");
  const std::string theirs = sandbox_.name("theirs");
  bridges_.ensure_bridge(br, netdev());
  bridges_.ensure_port(br, {.name = mine, .type = "internal"});
  sandbox_.vsctl({"add-port", br, theirs, "--", "set", "Interface", theirs, "type=internal"});
  EXPECT_TRUE(bridges_.delete_port(br, mine));
  EXPECT_FALSE(bridges_.delete_port(br, mine));
  EXPECT_EQ(trim(sandbox_.vsctl({"list-ports", br})), theirs);
  // The Interface row went with its Port.
  EXPECT_EQ(sandbox_.vsctl({"--bare", "--columns=name", "find", "Interface", "name=" + mine}), "");
}

TEST_F(BridgeManagerTest, DeleteBridgeRemovesItsPortsAndDevices) {
  const std::string br = sandbox_.name("int");
  const std::string other = sandbox_.name("oth");
  bridges_.ensure_bridge(br, netdev());
  bridges_.ensure_bridge(other, netdev());
  bridges_.ensure_port(br, {.name = sandbox_.name("p1"), .type = "internal"});
  bridges_.wait_applied();
  EXPECT_EQ(sandbox_.run({"ip", "link", "show", br}).status, 0);
  EXPECT_TRUE(bridges_.delete_bridge(br));
  EXPECT_FALSE(bridges_.delete_bridge(br));
  bridges_.wait_applied();
  EXPECT_EQ(bridges_.list_bridges(), std::vector<std::string>{other});
  EXPECT_TRUE(bridges_.list_ports(br).empty());
  EXPECT_EQ(trim(sandbox_.vsctl({"--bare", "--columns=name", "list", "Port"})), other);
  EXPECT_NE(sandbox_.run({"ip", "link", "show", br}).status, 0);
  EXPECT_FALSE(fs::exists(sandbox_.rundir() + "/" + br + ".mgmt"));
}

TEST_F(BridgeManagerTest, EnsurePortRefusesAMissingBridgeOrAnotherBridgesPort) {
  const std::string a = sandbox_.name("a");
  const std::string b = sandbox_.name("b");
  const std::string port = sandbox_.name("p");
  EXPECT_THROW(bridges_.ensure_port(a, {.name = port}), OvsdbError);
  bridges_.ensure_bridge(a, netdev());
  bridges_.ensure_bridge(b, netdev());
  bridges_.ensure_port(a, {.name = port, .type = "internal"});
  EXPECT_THROW(bridges_.ensure_port(b, {.name = port, .type = "internal"}), OvsdbError);
  EXPECT_FALSE(bridges_.delete_port(b, port));
  EXPECT_EQ(trim(sandbox_.vsctl({"port-to-br", port})), a);
}

TEST_F(BridgeManagerTest, BadValueIsRejectedAtomically) {
  const std::string br = sandbox_.name("int");
  BridgeSpec spec = netdev();
  spec.fail_mode = "bogus";
  EXPECT_THROW(bridges_.ensure_bridge(br, spec), OvsdbTransactionError);
  EXPECT_EQ(trim(sandbox_.vsctl({"list-br"})), "");
  EXPECT_EQ(trim(sandbox_.vsctl({"--bare", "--columns=name", "list", "Interface"})), "");
}

// Without the root row a new bridge would be linked nowhere: the "wait" guarding it fails,
// every retry sees the same, and the caller gets the failed operation.
TEST_F(BridgeManagerTest, EnsureBridgeNeedsAnInitialisedDatabase) {
  sandbox_.vsctl({"--no-wait", "destroy", "Open_vSwitch", "."});
  try {
    bridges_.ensure_bridge(sandbox_.name("int"), netdev());
    FAIL() << "no exception";
  } catch (const OvsdbTransactionError& e) {
    EXPECT_EQ(e.error(), "timed out") << e.what();
    EXPECT_EQ(e.op().value("table", ""), "Open_vSwitch") << e.what();
  }
  EXPECT_EQ(trim(sandbox_.vsctl({"--no-wait", "list-br"})), "");
}

}  // namespace
}  // namespace neutrino::agent::ovs::testing
