// BridgesTunnelsPart against a private Open vSwitch.
#include "agent/app/bridges_tunnels_part.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/agent/app/ovs_parts_fixture.hpp"
#include "tests/unit/agent/app/test_desired.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::agent::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;

class BridgesTunnelsPartTest : public OvsPartsTest {
 protected:
  // A state with one peer port `remote` on another host reached at `tunnel_ip`.
  static channel::HostState with_peer(const std::string& remote, const std::string& tunnel_ip) {
    dataplane::pipeline::HostStateBuilder b;
    b.network("n1", "vxlan", 100)
        .remote(remote, "n1", "fa:16:3e:00:00:09", {"10.0.0.9"}, "h2", tunnel_ip);
    return b.state();
  }
};

TEST_F(BridgesTunnelsPartTest, CreatesBridgesWithPatchPortsAndHandsOnTheirOfports) {
  BridgesTunnelsPart part(config_, *backend_);
  PassResults results;
  part.resync(testing::TestDesired(), results);
  EXPECT_THAT(port_names(config_.integration_bridge), Contains("patch-tun"));
  EXPECT_THAT(port_names(config_.tunnel_bridge), Contains("patch-int"));
  ASSERT_TRUE(results.patch_tun && results.patch_int);
  EXPECT_GT(*results.patch_tun, 0u);
  EXPECT_TRUE(results.tunnel_ports.empty());
}

TEST_F(BridgesTunnelsPartTest, TunnelPeerChangeReplacesItsVxlanPort) {
  BridgesTunnelsPart part(config_, *backend_);
  PassResults first;
  part.resync(testing::TestDesired(with_peer("r1", "192.0.2.2")), first);
  EXPECT_THAT(port_names(config_.tunnel_bridge), Contains("vxlan-c0000202"));
  ASSERT_EQ(first.tunnel_ports.size(), 1u);
  EXPECT_TRUE(first.tunnel_ports.contains("192.0.2.2"));

  // The peer's agent came back with another tunnel IP.
  PassResults second;
  part.reconcile(testing::TestDesired(with_peer("r1", "192.0.2.3")),
                 testing::changed({{model::ObjectKind::kRemotePort, {"r1"}}}), second);
  EXPECT_THAT(port_names(config_.tunnel_bridge), Contains("vxlan-c0000203"));
  EXPECT_THAT(port_names(config_.tunnel_bridge), Not(Contains("vxlan-c0000202")));
  ASSERT_EQ(second.tunnel_ports.size(), 1u);
  EXPECT_TRUE(second.tunnel_ports.contains("192.0.2.3"));

  // The last peer went: so does its tunnel; our own tunnel IP never gets one.
  PassResults third;
  part.reconcile(testing::TestDesired(with_peer("r2", config_.tunnel_ip)),
                 testing::changed({{model::ObjectKind::kRemotePort, {"r1", "r2"}}}), third);
  EXPECT_THAT(port_names(config_.tunnel_bridge), ElementsAre("patch-int"));
  EXPECT_TRUE(third.tunnel_ports.empty());
}

TEST_F(BridgesTunnelsPartTest, LooksAtTunnelsOnlyWhenAPeerChangedOrOnAFullPass) {
  BridgesTunnelsPart part(config_, *backend_);
  const auto state = with_peer("r1", "192.0.2.2");
  PassResults results;
  part.resync(testing::TestDesired(state), results);
  sandbox_.vsctl({"del-port", config_.tunnel_bridge, "vxlan-c0000202"});

  // A guest port changed: the tunnels are not read again, the last ofports are handed on.
  PassResults incremental;
  part.reconcile(testing::TestDesired(state),
                 testing::changed({{model::ObjectKind::kPort, {"p1"}}}, true), incremental);
  EXPECT_THAT(port_names(config_.tunnel_bridge), Not(Contains("vxlan-c0000202")));
  EXPECT_EQ(incremental.tunnel_ports, results.tunnel_ports);

  PassResults full;
  part.resync(testing::TestDesired(state), full);
  EXPECT_THAT(port_names(config_.tunnel_bridge), Contains("vxlan-c0000202"));
  EXPECT_TRUE(full.tunnel_ports.contains("192.0.2.2"));
}

TEST_F(BridgesTunnelsPartTest, PhysicalNetworkBridgeIsPatchedToTheIntegrationBridge) {
  const std::string physnet_bridge = sandbox_.name("phy");
  config_.bridge_mappings = {{"physnet1", physnet_bridge}};
  BridgesTunnelsPart part(config_, *backend_);
  PassResults results;
  part.resync(testing::TestDesired(), results);
  EXPECT_THAT(port_names(config_.integration_bridge),
              Contains(BridgesTunnelsPart::int_patch(physnet_bridge)));
  EXPECT_THAT(port_names(physnet_bridge), Contains(BridgesTunnelsPart::phy_patch(physnet_bridge)));
  ASSERT_TRUE(results.physnets.contains("physnet1"));
  EXPECT_TRUE(results.physnets["physnet1"].int_patch && results.physnets["physnet1"].phy_patch);
}

}  // namespace
}  // namespace neutrino::agent::testing
