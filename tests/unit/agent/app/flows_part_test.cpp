// FlowsPart, after BridgesTunnelsPart, against a private Open vSwitch: what a guest port, a
// peer and a security group rule turn into on the switch, and what a restart keeps.
#include "agent/app/flows_part.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "agent/app/bridges_tunnels_part.hpp"
#include "tests/unit/agent/app/ovs_parts_fixture.hpp"
#include "tests/unit/agent/app/test_desired.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::agent::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAreArray;
namespace openflow = dataplane::openflow;

Json tcp_rule(int port) {
  return {{"protocol", 6}, {"port_range_min", port}, {"port_range_max", port}};
}

class FlowsPartTest : public OvsPartsTest {
 protected:
  FlowsPartTest() { restart(); }

  // A new agent process: a new backend and new parts, the same OVS and state directory.
  void restart() {
    flows_part_.reset();
    bridges_part_.reset();
    backend_ = make_backend();
    bridges_part_ = std::make_unique<BridgesTunnelsPart>(config_, *backend_);
    flows_part_ = std::make_unique<FlowsPart>(config_, *backend_);
    bridges_part_->prepare();  // as the reconciler does on connecting
  }

  PassResults pass(const channel::HostState& state, const StateChanges& changes) {
    PassResults results;
    bridges_part_->reconcile(testing::TestDesired(state), changes, results);
    flows_part_->reconcile(testing::TestDesired(state), changes, results);
    return results;
  }

  // Network n1 (VXLAN 100) with guest port p1 on this host, in security group sg1.
  dataplane::pipeline::HostStateBuilder guest_state(int allowed_tcp_port) {
    dataplane::pipeline::HostStateBuilder b;
    b.network("n1", "vxlan", 100)
        .subnet("sub-v4", "n1", "10.0.0.0/24")
        .port("p1", "n1", "fa:16:3e:00:00:01", {"10.0.0.5"})
        .set("port:p1", "security_groups", Json::array({"sg1"}))
        .security_group("sg1", {tcp_rule(allowed_tcp_port)});
    return b;
  }

  std::unique_ptr<BridgesTunnelsPart> bridges_part_;
  std::unique_ptr<FlowsPart> flows_part_;
};

TEST_F(FlowsPartTest, PortPluggedGetsFlowsAndIsUpUnpluggedLosesThem) {
  const auto state = guest_state(22).state();
  auto results = pass(state, StateChanges::everything());
  ASSERT_TRUE(results.ports_up_down);
  EXPECT_THAT(results.ports_up_down->first, IsEmpty());
  EXPECT_THAT(results.ports_up_down->second, ElementsAre("p1"));

  const auto ofport = plug(sandbox_.name("tap1"), "p1");
  results = pass(state, {.interfaces = true});
  EXPECT_THAT(results.ports_up_down->first, ElementsAre("p1"));
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "in_port=" + std::to_string(ofport)));
  EXPECT_GT(flows_part_->last_flow_changes(), 0u);

  unplug(sandbox_.name("tap1"));
  results = pass(state, {.interfaces = true});
  EXPECT_THAT(results.ports_up_down->second, ElementsAre("p1"));
  EXPECT_FALSE(has_flow_with(config_.integration_bridge, "in_port=" + std::to_string(ofport)));

  // The port leaves the desired state: neither up nor down any more.
  results = pass({}, testing::changed({{model::ObjectKind::kPort, {"p1"}}}));
  EXPECT_THAT(results.ports_up_down->first, IsEmpty());
  EXPECT_THAT(results.ports_up_down->second, IsEmpty());
}

TEST_F(FlowsPartTest, SecurityGroupRuleChangeReplacesOnlyItsFlows) {
  plug(sandbox_.name("tap1"), "p1");
  pass(guest_state(22).state(), StateChanges::everything());
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "tp_dst=22"));
  const auto total = flows(config_.integration_bridge).size();

  pass(guest_state(8080).state(), testing::changed({{model::ObjectKind::kSecurityGroup, {"sg1"}}}));
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "tp_dst=8080"));
  EXPECT_FALSE(has_flow_with(config_.integration_bridge, "tp_dst=22"));
  // A diff, not a rewrite: the rule's flows changed, the rest stayed.
  EXPECT_GT(flows_part_->last_flow_changes(), 0u);
  EXPECT_LT(flows_part_->last_flow_changes(), total / 2);
}

// A change larger than one bundle goes in several (FlowsPart::kMaxBundle each, so a busy
// switch answers each in time); all of it lands, and replacing all of it again leaves only the
// new flows.
TEST_F(FlowsPartTest, AChangeLargerThanOneBundleLandsWhole) {
  plug(sandbox_.name("tap1"), "p1");
  const auto many_rules = [this](int first) {
    auto b = guest_state(22);
    std::vector<Json> rules;
    for (int port = first; port < first + static_cast<int>(FlowsPart::kMaxBundle) + 500; ++port) {
      rules.push_back(tcp_rule(port));
    }
    return b.security_group("sg1", rules).state();
  };
  pass(many_rules(1000), StateChanges::everything());
  EXPECT_GT(flows_part_->last_flow_changes(), FlowsPart::kMaxBundle);
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "tp_dst=1000"));
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "tp_dst=3499"));
  const auto total = flows(config_.integration_bridge).size();

  pass(many_rules(10000), testing::changed({{model::ObjectKind::kSecurityGroup, {"sg1"}}}));
  EXPECT_TRUE(has_flow_with(config_.integration_bridge, "tp_dst=12499"));
  EXPECT_FALSE(has_flow_with(config_.integration_bridge, "tp_dst=3499"));
  EXPECT_EQ(flows(config_.integration_bridge).size(), total);
}

TEST_F(FlowsPartTest, TunnelPeerChangeSendsTheNetworksTrafficToTheNewTunnel) {
  plug(sandbox_.name("tap1"), "p1");
  auto b = guest_state(22);
  b.remote("r1", "n1", "fa:16:3e:00:00:09", {"10.0.0.9"}, "h2", "192.0.2.2");
  auto results = pass(b.state(), StateChanges::everything());
  const auto old_port = results.tunnel_ports.at("192.0.2.2");
  EXPECT_TRUE(has_flow_with(config_.tunnel_bridge, "output:" + std::to_string(old_port)));

  b.set("remote:r1", "tunnel_ip", "192.0.2.3");
  results = pass(b.state(), testing::changed({{model::ObjectKind::kRemotePort, {"r1"}}}));
  const auto new_port = results.tunnel_ports.at("192.0.2.3");
  EXPECT_FALSE(results.tunnel_ports.contains("192.0.2.2"));
  EXPECT_TRUE(has_flow_with(config_.tunnel_bridge, "output:" + std::to_string(new_port)));
  if (new_port != old_port) {
    EXPECT_FALSE(has_flow_with(config_.tunnel_bridge, "output:" + std::to_string(old_port)));
  }
}

TEST_F(FlowsPartTest, RestartedAgentKeepsTheFlowsStillWantedAndRemovesOnlyStaleOnes) {
  plug(sandbox_.name("tap1"), "p1");
  const auto state = guest_state(22).state();
  pass(state, StateChanges::everything());
  const auto before = flows(config_.integration_bridge);
  ASSERT_FALSE(before.empty());
  // While the agent is down: a flow of ours nobody wants any more, and someone else's.
  backend_->apply_bundle(config_.integration_bridge,
                         {openflow::FlowChange::add("cookie=0x6e65757472696e6f,table=0,"
                                                    "priority=7,dl_src=fa:16:3e:99:99:99,"
                                                    "actions=drop"),
                          openflow::FlowChange::add("cookie=0x1234,table=0,priority=7,"
                                                    "dl_src=fa:16:3e:88:88:88,actions=drop")});

  restart();
  pass(state, StateChanges::everything());
  EXPECT_EQ(flows_part_->last_flow_changes(), 1u);  // the stale flow's delete, nothing else
  EXPECT_THAT(flows(config_.integration_bridge), UnorderedElementsAreArray(before));
  EXPECT_EQ(backend_->dump_flows(config_.integration_bridge, 0x1234).size(), 1u);
}

}  // namespace
}  // namespace neutrino::agent::testing
