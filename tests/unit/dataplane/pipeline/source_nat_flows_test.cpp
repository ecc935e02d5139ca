// Source NAT in the pipeline: the router's gateway host NATs what the router's networks send
// outside to the gateway address in the router's own zone and routes replies back to the
// ports, local or remote; the other hosts holding the router send such packets to it over
// VXLAN, or on a VLAN network to the gateway port's MAC; nothing is NATed without a gateway host,
// and with enable_snat off the gateway host routes the router's addresses unchanged.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "dataplane/pipeline/external_announcements.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/unit/dataplane/pipeline/flow_selection.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using I = IntegrationTables;

constexpr const char* kMacT1 = "fa:16:3e:00:01:01";
constexpr const char* kMacRemote = "fa:16:3e:00:02:01";
constexpr const char* kRouterMac = "fa:16:3e:aa:00:01";
constexpr const char* kGatewayMac = "fa:16:3e:bb:00:01";
constexpr const char* kGateway = "203.0.113.10";
constexpr int kLvidT = 1, kLvidX = 5, kZone = 7;
constexpr std::uint32_t kOfT1 = 1, kIntPhysnet = 101, kPatchTun = 100, kToGatewayHost = 201;

class SourceNatFlowsTest : public ::testing::Test {
 protected:
  SourceNatFlowsTest() {
    // t1 here (firewalled), b1 on host-b; the router's gateway host is host-a unless a test
    // says otherwise.
    b_.network("T", "vxlan", 100)
        .network("X", "flat", 0, "physnet1")
        .subnet("sx", "X", "203.0.113.0/24")
        .set("subnet:sx", "gateway_ip", "203.0.113.1")
        .port("t1", "T", kMacT1, {"10.0.1.5"})
        .set("port:t1", "security_groups", Json::array())
        .remote("b1", "T", kMacRemote, {"10.0.1.7"}, "host-b", "192.0.2.2");
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
                 {"ip_address", kGateway},
                 {"cidr", "203.0.113.0/24"},
                 {"mac_address", kGatewayMac},
                 {"enable_snat", true},
                 {"host", "host-a"},
                 {"host_tunnel_ip", "192.0.2.1"}}},
               {"routes", Json::array()}};
  }
  PipelineInput input(const std::string& host = "host-a") {
    state_ = b_.state();
    state_["router:r1"] = router_;
    PipelineInput in{.model = &(model_ = decoded_model(state_)), .cookie = 1};
    in.local_ports = {{"t1", kOfT1}};
    in.local_vlans = {{"T", kLvidT}, {"X", kLvidX}};
    in.patch_tun = kPatchTun;
    in.patch_int = 1;
    in.tunnel_ports = {{"192.0.2.2", 202}, {"192.0.2.1", kToGatewayHost}};
    in.physnets = {
        {"physnet1", {.bridge = "br-physnet1", .int_patch = kIntPhysnet, .phy_patch = 1}}};
    in.host = host;
    if (host == "host-a") {
      in.snat_zones = {{"r1", kZone}};
    }
    return in;
  }
  std::vector<ParsedFlow> compile(const std::string& host = "host-a",
                                  const std::string& bridge = "br-int") {
    return ParsedFlow::parse_all(PipelineCompiler::compile(input(host)).at(bridge));
  }
  // Table kRouting's source NAT flow for the router's interface (below floating IPs).
  static std::vector<ParsedFlow> to_outside(const std::vector<ParsedFlow>& flows) {
    auto out = select_flows(flows, I::kRouting, {{"dl_dst", kRouterMac}});
    std::erase_if(out, [](const ParsedFlow& f) { return f.priority != 40; });
    return out;
  }
  // Floating IP 203.0.113.50 of t1, in the state input() last built (and its model).
  void add_floating_ip() {
    state_["floatingip:f1"] = {{"id", "f1"},
                               {"floating_ip_address", "203.0.113.50"},
                               {"floating_network_id", "X"},
                               {"fixed_ip_address", "10.0.1.5"},
                               {"port_id", "t1"},
                               {"router_id", "r1"},
                               {"mac_address", "fa:16:3e:cc:00:01"}};
    model_ = decoded_model(state_);
  }
  static std::vector<ParsedFlow> snat_tables(const std::vector<ParsedFlow>& flows) {
    std::vector<ParsedFlow> out;
    std::copy_if(flows.begin(), flows.end(), std::back_inserter(out), [](const ParsedFlow& f) {
      return f.table == I::kSourceNatIn || f.table == I::kSourceNatOut ||
             f.text.find(kGateway) != std::string::npos;
    });
    return out;
  }

  HostStateBuilder b_;
  Json router_;
  channel::HostState state_;
  model::HostModel model_;  // state_, decoded
};

TEST_F(SourceNatFlowsTest, TheGatewayHostNatsOutboundToTheGatewayAddressInTheRoutersZone) {
  const auto flows = compile();
  const auto outside = to_outside(flows);
  ASSERT_EQ(outside.size(), 1u);
  const auto& out = outside[0];
  EXPECT_THAT(out.actions, ElementsAre("ct(zone=7,nat,table=44)"));
  // Below the routes and the router's own subnet.
  EXPECT_GT(one_flow(flows, I::kRouting, {{"nw_dst", "10.0.1.0/24"}}).priority, out.priority);
  const auto commit = one_flow(flows, I::kSourceNatOut, {{"ct_state", "+new+trk"}});
  EXPECT_TRUE(commit.matches("nw_src", "10.0.1.0/24"));  // not again once NATed
  EXPECT_THAT(commit.actions, ElementsAre("ct(commit,zone=7,nat(src=203.0.113.10),table=44)"));
  const auto leave = one_flow(flows, I::kSourceNatOut, {{"nw_src", kGateway}});
  EXPECT_THAT(leave.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kGatewayMac) + "->eth_src",
                          "set_field:5->reg6", "resubmit(,48)", "resubmit(,49)", "push_vlan:0x8100",
                          "set_field:4101->vlan_vid", "set_field:0->in_port", "output:101"));
  // Other hosts' packets for outside (from VXLAN, reg7=1) are handed to routing too.
  const auto remote = one_flow(flows, I::kForwarding, {{"reg7", "1"}, {"dl_dst", kRouterMac}});
  EXPECT_THAT(remote.actions, ElementsAre("goto_table:45"));
}

TEST_F(SourceNatFlowsTest, RepliesReachTheirPortLocalOrRemoteAndNothingNewComesIn) {
  const auto flows = compile();
  const auto in = select_flows(flows, I::kClassify, {{"dl_dst", kGatewayMac}});
  ASSERT_EQ(in.size(), 2u);  // any sender, and one on the link whose MAC is learned
  for (const auto& flow : in) {
    EXPECT_TRUE(flow.matches("nw_dst", kGateway));
    EXPECT_EQ(flow.actions.back(), "ct(zone=7,nat,table=43)");
  }
  const auto local = one_flow(flows, I::kSourceNatIn, {{"nw_dst", "10.0.1.5"}});
  EXPECT_TRUE(local.matches("ct_zone", "7"));
  EXPECT_TRUE(local.matches("ct_state", "-new-inv+trk"));
  EXPECT_THAT(local.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMac) + "->eth_src",
                          "set_field:" + std::string(kMacT1) + "->eth_dst", "set_field:1->reg6",
                          "set_field:1->reg5", "goto_table:50"));
  const auto remote = one_flow(flows, I::kSourceNatIn, {{"nw_dst", "10.0.1.7"}});
  EXPECT_THAT(remote.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMac) + "->eth_src",
                          "set_field:" + std::string(kMacRemote) + "->eth_dst", "set_field:1->reg6",
                          "set_field:0->in_port", "push_vlan:0x8100", "set_field:4097->vlan_vid",
                          "output:100"));
  // The gateway address answers ARP from the external network.
  const auto arp = one_flow(flows, I::kClassify, {{"arp_tpa", kGateway}});
  EXPECT_TRUE(arp.has_action("set_field:" + std::string(kGatewayMac) + "->arp_sha"));
}

TEST_F(SourceNatFlowsTest, OtherHostsSendPacketsForOutsideToTheGatewayHostOverVxlan) {
  const auto flows = compile("host-b");
  const auto outside = to_outside(flows);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_THAT(outside[0].actions,
              ElementsAre("push_vlan:0x8100", "set_field:4097->vlan_vid", "output:100"));
  EXPECT_THAT(select_flows(flows, I::kSourceNatOut, {}), IsEmpty());
  EXPECT_THAT(select_flows(flows, I::kClassify, {{"arp_tpa", kGateway}}), IsEmpty());
  const auto tunnel = one_flow(compile("host-b", "br-tun"), 10, {{"dl_dst", kRouterMac}});
  EXPECT_TRUE(tunnel.matches("dl_vlan", "1"));
  EXPECT_THAT(tunnel.actions, ElementsAre("pop_vlan", "set_field:0x64->tun_id", "output:201"));
}

// On a VLAN or flat network the physical switches learn the router interface's MAC wherever
// east-west routing sends from it, so the other hosts address packets for outside to the
// gateway port's MAC, which only the gateway host takes back for routing; a host that is not
// the gateway host drops frames for that MAC rather than flooding them to its ports.
TEST_F(SourceNatFlowsTest, OnAVlanNetworkOtherHostsSendToTheGatewayPortsMac) {
  b_.network("T", "vlan", 150, "physnet1");
  const std::string gateway_mac(kGatewayMac);
  const auto b = compile("host-b");
  const auto outside = to_outside(b);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_THAT(outside[0].actions,
              ElementsAre("set_field:" + gateway_mac + "->eth_dst", "push_vlan:0x8100",
                          "set_field:4097->vlan_vid", "output:101"));
  EXPECT_THAT(select_flows(compile("host-b", "br-tun"), 10, {{"dl_dst", kRouterMac}}), IsEmpty());
  const auto dropped = one_flow(b, I::kForwarding, {{"reg7", "1"}, {"dl_dst", kGatewayMac}});
  EXPECT_TRUE(dropped.matches("reg6", "1"));
  EXPECT_THAT(dropped.actions, ElementsAre("drop"));

  const auto a = compile();
  const auto from_b = select_flows(a, I::kForwarding, {{"reg7", "1"}, {"dl_dst", kGatewayMac}});
  ASSERT_EQ(from_b.size(), 2u);  // IP from the router's subnet, above everything else dropped
  const auto& routed = from_b[0].priority > from_b[1].priority ? from_b[0] : from_b[1];
  EXPECT_TRUE(routed.matches("nw_src", "10.0.1.0/24"));
  EXPECT_THAT(routed.actions,
              ElementsAre("set_field:" + std::string(kRouterMac) + "->eth_dst", "goto_table:45"));
  EXPECT_THAT((from_b[0].priority > from_b[1].priority ? from_b[1] : from_b[0]).actions,
              ElementsAre("drop"));
  // From there on as the gateway host's own ports: NATed, and replies to b1 go back up the
  // physnet uplink they came in by (the external network's too), which takes clearing in_port.
  EXPECT_THAT(to_outside(a)[0].actions, ElementsAre("ct(zone=7,nat,table=44)"));
  const auto reply = one_flow(a, I::kSourceNatIn, {{"nw_dst", "10.0.1.7"}});
  EXPECT_THAT(reply.actions, ::testing::IsSupersetOf({"set_field:0->in_port", "output:101"}));
  // The gateway host shows the VLAN's switches where the gateway port's MAC is, by a RARP
  // (tagged with the network's lvid, out of its uplink) that claims no address.
  const std::string rarp =
      "in_port=controller,packet=fffffffffffffa163ebb0001810000018035000108000604"
      "0003fa163ebb000100000000fa163ebb000100000000,actions=output:101";
  EXPECT_THAT(external_announcements(input()), ::testing::Contains(rarp));
  EXPECT_THAT(external_announcements(input("host-b")), IsEmpty());
}

// Over VXLAN the interface's MAC leads to the gateway host by the tunnel, and the gateway
// port's MAC means nothing on the tenant network.
TEST_F(SourceNatFlowsTest, OverVxlanTheGatewayPortsMacIsNotUsed) {
  for (const auto* host : {"host-a", "host-b"}) {
    EXPECT_THAT(select_flows(compile(host), I::kForwarding, {{"dl_dst", kGatewayMac}}), IsEmpty());
  }
}

TEST_F(SourceNatFlowsTest, NothingIsNatedWithoutAGatewayHost) {
  router_["gateway"]["host"] = "";
  EXPECT_THAT(snat_tables(compile()), IsEmpty());
  EXPECT_THAT(to_outside(compile("host-b")), IsEmpty());
  // The gateway host without a zone for the router yet (or without the physnet) waits.
  router_["gateway"]["host"] = "host-a";
  auto in = input();
  in.snat_zones.clear();
  EXPECT_THAT(snat_tables(ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"))),
              IsEmpty());
  in = input();
  in.physnets.clear();
  EXPECT_THAT(snat_tables(ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"))),
              IsEmpty());
}

// Without source NAT the gateway host routes the router's addresses out and in unchanged, as
// Neutron does with enable_snat false: no zone, no conntrack; the other hosts steer as before.
TEST_F(SourceNatFlowsTest, WithSnatOffTheGatewayHostRoutesTheAddressesUnchanged) {
  router_["gateway"]["enable_snat"] = false;
  auto in = input();
  in.snat_zones.clear();  // none is given without source NAT
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"));
  const auto outside = to_outside(flows);
  ASSERT_EQ(outside.size(), 1u);
  EXPECT_TRUE(outside[0].matches("nw_src", "10.0.1.0/24"));
  EXPECT_THAT(outside[0].actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kGatewayMac) + "->eth_src",
                          "set_field:5->reg6", "resubmit(,48)", "resubmit(,49)", "push_vlan:0x8100",
                          "set_field:4101->vlan_vid", "set_field:0->in_port", "output:101"));
  EXPECT_THAT(select_flows(flows, I::kSourceNatOut, {{"dl_dst", kRouterMac}}), IsEmpty());
  const auto in_flows = select_flows(flows, I::kClassify, {{"dl_dst", kGatewayMac}});
  ASSERT_EQ(in_flows.size(), 2u);
  for (const auto& flow : in_flows) {
    EXPECT_TRUE(flow.matches("nw_dst", "10.0.1.0/24"));
    EXPECT_EQ(flow.actions.back(), "goto_table:43");
  }
  const auto local = one_flow(flows, I::kSourceNatIn, {{"nw_dst", "10.0.1.5"}});
  EXPECT_TRUE(local.matches("dl_dst", kGatewayMac));
  EXPECT_FALSE(local.matches("ct_zone", "7"));
  EXPECT_THAT(local.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMac) + "->eth_src",
                          "set_field:" + std::string(kMacT1) + "->eth_dst", "set_field:1->reg6",
                          "set_field:1->reg5", "goto_table:50"));
  EXPECT_EQ(one_flow(flows, I::kClassify, {{"arp_tpa", kGateway}}).table, I::kClassify);
  EXPECT_THAT(to_outside(compile("host-b"))[0].actions,
              ElementsAre("push_vlan:0x8100", "set_field:4097->vlan_vid", "output:100"));
}

// The gateway host tells the external network where the gateway address is (gratuitous ARP)
// and asks for the next hop's MAC at once, tagged with the external lvid, out of the uplink.
TEST_F(SourceNatFlowsTest, TheGatewayHostAnnouncesItsAddressAndAsksForTheNextHop) {
  const auto packets = external_announcements(input());
  ASSERT_EQ(packets.size(), 2u);
  const std::string head =
      "in_port=controller,packet=fffffffffffffa163ebb0001810000050806000108000604"
      "0001fa163ebb0001cb00710a000000000000";
  // 203.0.113.1 (the subnet's gateway), then 203.0.113.10 (itself: gratuitous)
  EXPECT_EQ(packets[0], head + "cb007101,actions=output:101");
  EXPECT_EQ(packets[1], head + "cb00710a,actions=output:101");
  EXPECT_THAT(external_announcements(input("host-b")), IsEmpty());
  router_["gateway"]["enable_snat"] = false;  // it still routes through the address
  EXPECT_EQ(external_announcements(input()), packets);
}

TEST_F(SourceNatFlowsTest, AFloatingIpWinsOverSourceNatForItsPort) {
  auto in = input();
  add_floating_ip();
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"));
  const auto fip = one_flow(flows, I::kRouting, {{"nw_src", "10.0.1.5"}});
  const auto snat = to_outside(flows);
  ASSERT_EQ(snat.size(), 1u);
  EXPECT_GT(fip.priority, snat[0].priority);
}

// A static route whose next hop is on the external subnet chooses that next hop for what the
// router sends there (from its gateway address, its floating IPs, or without source NAT its
// subnets), above the default gateway and below the subnet itself; the next hop is asked for
// its MAC as the subnet's gateway is. A route via an interface's subnet is east-west's.
TEST_F(SourceNatFlowsTest, ARouteViaANextHopOutsideChoosesThatHop) {
  router_["routes"] = Json::array({{{"destination", "100.64.7.0/24"}, {"nexthop", "203.0.113.2"}},
                                   {{"destination", "10.9.0.0/16"}, {"nexthop", "10.0.1.7"}}});
  auto in = input();
  add_floating_ip();
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"));
  const auto routed = select_flows(flows, I::kNextHop, {{"nw_dst", "100.64.7.0/24"}});
  ASSERT_EQ(routed.size(), 2u);
  for (const auto& hop : routed) {
    EXPECT_TRUE(hop.matches("nw_src", kGateway) || hop.matches("nw_src", "203.0.113.50"));
    EXPECT_EQ(hop.priority, 51 + 24);
    EXPECT_THAT(hop.actions, ElementsAre("load:0xcb007102->NXM_NX_REG3[]"));
  }
  EXPECT_GT(one_flow(flows, I::kNextHop, {{"nw_dst", "203.0.113.0/24"}}).priority,
            routed[0].priority);
  EXPECT_THAT(select_flows(flows, I::kNextHop, {{"nw_dst", "10.9.0.0/16"}}), IsEmpty());
  EXPECT_THAT(external_announcements(in),
              ::testing::Contains(::testing::HasSubstr("cb007102,actions=output:101")));

  router_["gateway"]["enable_snat"] = false;
  in = input();
  in.snat_zones.clear();
  const auto unnated = one_flow(ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int")),
                                I::kNextHop, {{"nw_dst", "100.64.7.0/24"}});
  EXPECT_TRUE(unnated.matches("nw_src", "10.0.1.0/24"));
}

TEST_F(SourceNatFlowsTest, MovingTheGatewayChangesOnlySourceNatFlows) {
  const auto on_a = PipelineCompiler::compile(input()).at("br-int");
  router_["gateway"]["host"] = "host-c";
  const auto elsewhere = PipelineCompiler::compile(input()).at("br-int");
  std::vector<std::string> changed;
  std::set_symmetric_difference(on_a.begin(), on_a.end(), elsewhere.begin(), elsewhere.end(),
                                std::back_inserter(changed));
  ASSERT_FALSE(changed.empty());
  for (const auto& flow : changed) {
    // The NAT tables, the steering in routing and forwarding, the next hop, the gateway's ARP.
    const bool snat =
        flow.find("table=4") != std::string::npos || flow.find(kGateway) != std::string::npos;
    EXPECT_TRUE(snat) << flow;
  }
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
