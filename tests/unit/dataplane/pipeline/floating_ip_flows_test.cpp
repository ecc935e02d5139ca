// Floating IPs in the pipeline: 1:1 conntrack NAT on the host of the associated port, ARP for
// the floating address answered from that host, the external next hop (on-link or the
// subnet's gateway) and its learned MAC; then the flows installed in a real ovs-vswitchd.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/openflow_connection.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/support/ovs_sandbox.hpp"
#include "tests/unit/dataplane/pipeline/flow_selection.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/packet_trace.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using I = IntegrationTables;

constexpr const char* kMacT1 = "fa:16:3e:00:01:01";
constexpr const char* kMacT2 = "fa:16:3e:00:01:02";
constexpr const char* kRouterMac = "fa:16:3e:aa:00:01";
constexpr const char* kGatewayMac = "fa:16:3e:bb:00:01";
constexpr const char* kFloatingMac = "fa:16:3e:cc:00:01";
constexpr const char* kFloating = "203.0.113.50";
constexpr const char* kOutside = "203.0.113.1";  // the external subnet's gateway
constexpr int kLvidT = 1, kLvidX = 5;
constexpr std::uint32_t kOfT1 = 1, kOfT2 = 2, kIntPhysnet = 101, kPatchTun = 100;

class FloatingIpFlowsTest : public ::testing::Test {
 protected:
  FloatingIpFlowsTest() {
    // t1 has a stateful firewall, t2 none (port security off).
    b_.network("T", "vxlan", 100)
        .network("X", "flat", 0, "physnet1")
        .subnet("sx", "X", "203.0.113.0/24")
        .set("subnet:sx", "gateway_ip", kOutside)
        .port("t1", "T", kMacT1, {"10.0.1.5"})
        .set("port:t1", "security_groups", Json::array())
        .port("t2", "T", kMacT2, {"10.0.1.6"}, false);
    router_ = {{"id", "r1"},
               {"admin_state_up", true},
               {"interfaces", Json::array({{{"subnet_id", "st"},
                                            {"network_id", "T"},
                                            {"cidr", "10.0.1.0/24"},
                                            {"port_id", "rp"},
                                            {"ip_address", "10.0.1.1"},
                                            {"mac_address", kRouterMac}}})},
               {"gateway",
                {{"network_id", "X"},
                 {"port_id", "gw"},
                 {"ip_address", "203.0.113.10"},
                 {"cidr", "203.0.113.0/24"},
                 {"mac_address", kGatewayMac},
                 {"enable_snat", true}}},
               {"routes", Json::array()}};
    fip_ = {{"id", "f1"},
            {"floating_ip_address", kFloating},
            {"floating_network_id", "X"},
            {"fixed_ip_address", "10.0.1.5"},
            {"port_id", "t1"},
            {"router_id", "r1"},
            {"mac_address", kFloatingMac}};
  }
  PipelineInput input() {
    state_ = b_.state();
    state_["router:r1"] = router_;
    if (!fip_.is_null()) {
      state_["floatingip:f1"] = fip_;
    }
    PipelineInput in{.model = &(model_ = decoded_model(state_)), .cookie = 1};
    in.local_ports = {{"t1", kOfT1}, {"t2", kOfT2}};
    in.local_vlans = {{"T", kLvidT}, {"X", kLvidX}};
    in.patch_tun = kPatchTun;
    in.patch_int = 1;
    in.physnets = {
        {"physnet1", {.bridge = "br-physnet1", .int_patch = kIntPhysnet, .phy_patch = 1}}};
    return in;
  }
  std::vector<std::string> compile_text() {
    return PipelineCompiler::compile(input()).at("br-int");
  }
  std::vector<ParsedFlow> compile() { return ParsedFlow::parse_all(compile_text()); }
  static std::vector<ParsedFlow> select(const std::vector<ParsedFlow>& flows, int table,
                                        const FlowFields& fields) {
    return select_flows(flows, table, fields);
  }
  static ParsedFlow one(const std::vector<ParsedFlow>& flows, int table, const FlowFields& fields) {
    return one_flow(flows, table, fields);
  }
  static std::vector<ParsedFlow> nat_tables(const std::vector<ParsedFlow>& flows) {
    std::vector<ParsedFlow> out;
    std::copy_if(flows.begin(), flows.end(), std::back_inserter(out), [](const ParsedFlow& f) {
      return f.table > I::kRouting && f.table < I::kIngressConntrack;
    });
    return out;
  }

  HostStateBuilder b_;
  Json router_;
  Json fip_;
  channel::HostState state_;
  model::HostModel model_;  // state_, decoded
};

TEST_F(FloatingIpFlowsTest, ArpForTheFloatingAddressFromOutsideIsAnsweredWithItsMac) {
  const auto flows = compile();
  const auto answer = one(flows, I::kClassify, {{"in_port", "101"}, {"arp_tpa", kFloating}});
  EXPECT_TRUE(answer.matches("dl_vlan", "5"));
  EXPECT_TRUE(answer.has_action("set_field:" + std::string(kFloatingMac) + "->arp_sha"));
  EXPECT_TRUE(answer.has_action("set_field:" + std::string(kFloatingMac) + "->eth_src"));
  EXPECT_TRUE(answer.has_action("IN_PORT"));  // still tagged: back down the uplink
  // Every ARP frame of the external network teaches this host its sender's MAC.
  EXPECT_THAT(answer.text, HasSubstr("learn(table=49,"));
  const auto arp = select(flows, I::kClassify, {{"in_port", "101"}, {"dl_vlan", "5"}, {"arp", ""}});
  ASSERT_EQ(arp.size(), 2u);
  const auto& learn = arp[0].match.contains("arp_tpa") ? arp[1] : arp[0];
  EXPECT_THAT(learn.text, HasSubstr("learn(table=49,"));
  EXPECT_THAT(learn.text, HasSubstr("NXM_NX_REG3[]=NXM_OF_ARP_SPA[]"));
  EXPECT_TRUE(learn.has_action("goto_table:40"));
}

TEST_F(FloatingIpFlowsTest, InboundIsDnatedInTheExternalZoneAndRoutedThroughTheFirewall) {
  const auto flows = compile();
  const auto in = select(flows, I::kClassify, {{"dl_dst", kFloatingMac}, {"nw_dst", kFloating}});
  ASSERT_EQ(in.size(), 2u);
  const auto& any = in[0].match.contains("nw_src") ? in[1] : in[0];
  EXPECT_THAT(any.actions, ElementsAre("pop_vlan", "set_field:1->reg6", "set_field:1->reg7",
                                       "ct(zone=5,nat,table=46)"));
  // A sender on the external subnet is a next hop: its MAC is learned on the way.
  const auto& on_link = in[0].match.contains("nw_src") ? in[0] : in[1];
  EXPECT_TRUE(on_link.matches("nw_src", "203.0.113.0/24"));
  EXPECT_GT(on_link.priority, any.priority);
  ASSERT_EQ(on_link.actions.size(), 5u);
  EXPECT_EQ(on_link.actions[0],
            "learn(table=49,priority=100,idle_timeout=300,NXM_NX_REG6[0..15]=5,"
            "NXM_NX_REG3[]=NXM_OF_IP_SRC[],load:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[])");
  EXPECT_EQ(on_link.actions[4], "ct(zone=5,nat,table=46)");
  const auto dnat = one(flows, I::kFloatingIn, {{"nw_dst", kFloating}});
  EXPECT_TRUE(dnat.matches("ct_state", "+new+trk"));
  EXPECT_TRUE(dnat.has_action("ct(commit,zone=5,nat(dst=10.0.1.5),table=46)"));
  const auto deliver = one(flows, I::kFloatingIn, {{"nw_dst", "10.0.1.5"}});
  EXPECT_TRUE(deliver.matches("reg6", "1"));
  EXPECT_THAT(deliver.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMac) + "->eth_src",
                          "set_field:" + std::string(kMacT1) + "->eth_dst", "set_field:1->reg5",
                          "goto_table:50"));
  EXPECT_EQ(select(flows, I::kFloatingIn, {{"nw_ttl", "1"}}).size(), 1u);
}

TEST_F(FloatingIpFlowsTest, OutboundIsSnatedToTheFloatingAddressAndLeavesOnTheUplink) {
  const auto flows = compile();
  const auto out = one(flows, I::kRouting, {{"nw_src", "10.0.1.5"}});
  EXPECT_TRUE(out.matches("dl_dst", kRouterMac));
  EXPECT_THAT(out.actions, ElementsAre("ct(zone=5,nat,table=47)"));
  // Below the east-west routes; the router's own subnets never go out.
  EXPECT_LT(out.priority, 100);
  const auto own = one(flows, I::kRouting, {{"nw_dst", "10.0.1.0/24"}});
  EXPECT_GT(own.priority, out.priority);
  EXPECT_THAT(own.actions, ElementsAre("drop"));
  const auto snat = one(flows, I::kFloatingOut, {{"nw_src", "10.0.1.5"}});
  EXPECT_TRUE(snat.has_action("ct(commit,zone=5,nat(src=203.0.113.50),table=47)"));
  const auto leave = one(flows, I::kFloatingOut, {{"nw_src", kFloating}});
  EXPECT_THAT(leave.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kFloatingMac) + "->eth_src",
                          "set_field:5->reg6", "resubmit(,48)", "resubmit(,49)", "push_vlan:0x8100",
                          "set_field:4101->vlan_vid", "set_field:0->in_port", "output:101"));
}

TEST_F(FloatingIpFlowsTest, TheNextHopIsTheDestinationOnLinkElseTheSubnetsGateway) {
  const auto flows = compile();
  const auto on_link = one(flows, I::kNextHop, {{"nw_dst", "203.0.113.0/24"}});
  EXPECT_THAT(on_link.actions, ElementsAre("move:NXM_OF_IP_DST[]->NXM_NX_REG3[]"));
  const auto via = select(flows, I::kNextHop, {{"reg6", "5"}});
  ASSERT_EQ(via.size(), 2u);
  const auto& gateway = via[0].match.contains("nw_dst") ? via[1] : via[0];
  EXPECT_LT(gateway.priority, on_link.priority);
  EXPECT_THAT(gateway.actions, ElementsAre("load:0xcb007101->NXM_NX_REG3[]"));
  // Not learned yet: flooded on the external network.
  EXPECT_THAT(one(flows, I::kNeighbours, {}).actions,
              ElementsAre("set_field:ff:ff:ff:ff:ff:ff->eth_dst"));
}

TEST_F(FloatingIpFlowsTest, NoFlowsWhereThePortIsNotHereOrTheHostLacksThePhysnet) {
  auto in = input();
  in.local_ports.erase("t1");
  EXPECT_THAT(nat_tables(ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"))),
              IsEmpty());
  in = input();
  in.physnets.clear();
  EXPECT_THAT(nat_tables(ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"))),
              IsEmpty());
  router_["gateway"] = nullptr;  // no gateway on the floating IP's network
  EXPECT_THAT(nat_tables(compile()), IsEmpty());
}

TEST_F(FloatingIpFlowsTest, DisassociatingRemovesOnlyTheFloatingIpsFlows) {
  const auto with = compile_text();
  fip_ = nullptr;
  const auto without = compile_text();
  EXPECT_TRUE(std::includes(with.begin(), with.end(), without.begin(), without.end()));
  for (const auto& flow : without) {
    EXPECT_THAT(flow, ::testing::Not(HasSubstr(kFloating)));
  }
  EXPECT_THAT(nat_tables(ParsedFlow::parse_all(without)), IsEmpty());
}

TEST_F(FloatingIpFlowsTest, MovingChangesOnlyTheFlowsOfTheTwoPorts) {
  const auto before = compile_text();
  fip_["port_id"] = "t2";
  fip_["fixed_ip_address"] = "10.0.1.6";
  const auto after = compile_text();
  std::vector<std::string> changed;
  std::set_symmetric_difference(before.begin(), before.end(), after.begin(), after.end(),
                                std::back_inserter(changed));
  ASSERT_FALSE(changed.empty());
  for (const auto& flow : changed) {
    EXPECT_TRUE(flow.find("10.0.1.5") != std::string::npos ||
                flow.find("10.0.1.6") != std::string::npos)
        << flow;
  }
  // t2 has no firewall: the DNATed packet is output to it directly.
  const auto deliver = one(ParsedFlow::parse_all(after), I::kFloatingIn, {{"nw_dst", "10.0.1.6"}});
  EXPECT_TRUE(deliver.has_action("output:2"));
}

TEST_F(FloatingIpFlowsTest, CostsEightFlowsPerFloatingIpBesidesSharedOnes) {
  const auto one_fip = compile_text().size();
  const Json first = fip_;
  fip_ = nullptr;
  const auto none = compile_text().size();
  // Shared: ARP learning, two next-hop choices, two TTL drops, four table defaults, and the
  // drop for the router's one subnet.
  EXPECT_EQ(one_fip - none, 8u + 9u + 1u);
  fip_ = first;
  const auto before = compile_text().size();
  Json second = first;
  second["id"] = "f2";
  second["floating_ip_address"] = "203.0.113.51";
  second["mac_address"] = "fa:16:3e:cc:00:02";
  second["port_id"] = "t2";
  second["fixed_ip_address"] = "10.0.1.6";
  auto in = input();
  state_["floatingip:f2"] = second;
  model_ = decoded_model(state_);
  EXPECT_EQ(PipelineCompiler::compile(in).at("br-int").size() - before, 8u);
}

// The flows in a real ovs-vswitchd (userspace datapath): they read back exactly as compiled
// (so the agent's diff is empty on the next pass), and ARP from outside is answered in place.
class FloatingIpSwitchTest : public FloatingIpFlowsTest {
 protected:
  void SetUp() override {
    sandbox_ = std::make_unique<testing::OvsSandbox>();
    bridge_ = sandbox_->name("int");
    std::vector<std::string> args = {"--",
                                     "add-br",
                                     bridge_,
                                     "--",
                                     "set",
                                     "bridge",
                                     bridge_,
                                     "datapath_type=netdev",
                                     "fail_mode=secure",
                                     "protocols=OpenFlow13"};
    for (const auto& [port, ofport] : std::vector<std::pair<std::string, std::uint32_t>>{
             {"t1", kOfT1}, {"t2", kOfT2}, {"up", kIntPhysnet}}) {
      args.insert(args.end(), {"--", "add-port", bridge_, sandbox_->name(port), "--", "set",
                               "interface", sandbox_->name(port),
                               "ofport_request=" + std::to_string(ofport), "type=internal"});
    }
    sandbox_->vsctl(args);
    for (int attempt = 0; !connection_; ++attempt) {
      try {
        connection_ = std::make_unique<openflow::OpenFlowConnection>(
            "unix:" + openflow::OpenFlowConnection::management_socket(sandbox_->rundir(), bridge_));
      } catch (const openflow::ConnectionError&) {
        ASSERT_LT(attempt, 100);
        std::this_thread::sleep_for(50ms);  // the socket appears a moment after add-br
      }
    }
  }
  void TearDown() override {
    connection_.reset();
    sandbox_.reset();
  }
  PipelineInput sandbox_input() {
    auto in = input();
    in.integration_bridge = bridge_;
    in.tunnel_bridge = "";
    in.physnets.at("physnet1").bridge = sandbox_->name("phy");
    return in;
  }

  std::unique_ptr<testing::OvsSandbox> sandbox_;
  std::string bridge_;
  std::unique_ptr<openflow::OpenFlowConnection> connection_;
};

TEST_F(FloatingIpSwitchTest, FlowsReadBackAsCompiledAndArpIsAnsweredFromThisHost) {
  const auto compiled = PipelineCompiler::compile(sandbox_input()).at(bridge_);
  std::vector<openflow::FlowChange> changes;
  for (const auto& flow : compiled) {
    changes.push_back(openflow::FlowChange::add(flow));
  }
  connection_->apply_bundle(changes);
  auto installed = connection_->dump_flows(1, ~0ull);
  std::sort(installed.begin(), installed.end());
  EXPECT_EQ(installed, PipelineCompiler::compile_canonical(sandbox_input()).at(bridge_));

  const PacketTrace arp(*sandbox_, bridge_,
                        "arp,in_port=101,dl_vlan=5,dl_src=fa:16:3e:ee:00:01,"
                        "dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_spa=203.0.113.1,arp_tpa=" +
                            std::string(kFloating) +
                            ",arp_sha=fa:16:3e:ee:00:01,arp_tha=00:00:00:00:00:00");
  ASSERT_EQ(arp.outputs().size(), 1u) << arp.text();
  EXPECT_EQ(arp.outputs()[0].port, sandbox_->name("up"));
  EXPECT_EQ(arp.outputs()[0].vlan, kLvidX);
  EXPECT_THAT(arp.final_flow(), HasSubstr(std::string("arp_op=2,arp_sha=") + kFloatingMac));
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
