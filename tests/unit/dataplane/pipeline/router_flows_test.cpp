// Routers in the pipeline: the interfaces' ARP and ICMP echo answers, and east-west routing on
// the sending port's host (TTL, MAC rewrite, the destination network's lvid, local and remote
// destinations).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/unit/dataplane/pipeline/flow_selection.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using I = IntegrationTables;

constexpr const char* kMacA1 = "fa:16:3e:00:01:01";
constexpr const char* kMacB1 = "fa:16:3e:00:02:01";
constexpr const char* kMacB2 = "fa:16:3e:00:02:02";  // remote, on 192.0.2.2
constexpr const char* kRouterMacA = "fa:16:3e:aa:00:01";
constexpr const char* kRouterMacB = "fa:16:3e:aa:00:02";
constexpr int kLvidA = 1, kLvidB = 2;
constexpr int kOfA1 = 1, kOfB1 = 2, kPatchTun = 100, kTunnelH2 = 10;

Json interface(const std::string& network, const std::string& cidr, const std::string& ip,
               const std::string& mac) {
  return {{"subnet_id", "sub-" + network}, {"network_id", network}, {"cidr", cidr},
          {"port_id", "rp-" + network},    {"ip_address", ip},      {"mac_address", mac}};
}

class RouterFlowsTest : public ::testing::Test {
 protected:
  RouterFlowsTest() {
    // a1 has a stateful firewall, b1 none (port security off); b2 is on another host.
    b_.network("A", "vxlan", 100)
        .network("B", "vxlan", 200)
        .port("a1", "A", kMacA1, {"10.0.1.5"})
        .set("port:a1", "security_groups", Json::array())
        .port("b1", "B", kMacB1, {"10.0.2.5"}, false)
        .remote("b2", "B", kMacB2, {"10.0.2.6"}, "h2", "192.0.2.2");
    router_ = {
        {"id", "r1"},
        {"admin_state_up", true},
        {"interfaces", Json::array({interface("A", "10.0.1.0/24", "10.0.1.1", kRouterMacA),
                                    interface("B", "10.0.2.0/24", "10.0.2.1", kRouterMacB)})},
        {"gateway", nullptr},
        {"routes", Json::array()}};
  }
  PipelineInput input() {
    state_ = b_.state();
    state_["router:r1"] = router_;
    PipelineInput in{.model = &(model_ = decoded_model(state_)), .cookie = 1};
    in.local_ports = {{"a1", kOfA1}, {"b1", kOfB1}};
    in.local_vlans = {{"A", kLvidA}, {"B", kLvidB}};
    in.patch_tun = kPatchTun;
    in.patch_int = 1;
    in.tunnel_ports = {{"192.0.2.2", kTunnelH2}};
    return in;
  }
  std::vector<ParsedFlow> compile(const std::string& bridge = "br-int") {
    return ParsedFlow::parse_all(PipelineCompiler::compile(input()).at(bridge));
  }
  static std::vector<ParsedFlow> select(const std::vector<ParsedFlow>& flows, int table,
                                        const FlowFields& fields) {
    return select_flows(flows, table, fields);
  }
  static ParsedFlow one(const std::vector<ParsedFlow>& flows, int table, const FlowFields& fields) {
    return one_flow(flows, table, fields);
  }

  HostStateBuilder b_;
  Json router_;
  channel::HostState state_;
  model::HostModel model_;  // state_, decoded
};

TEST_F(RouterFlowsTest, EachInterfaceAnswersArpForItsAddressOnItsNetworkOnly) {
  const auto flows = compile();
  const auto a = one(flows, I::kArpResponder, {{"reg6", "1"}, {"arp_tpa", "10.0.1.1"}});
  EXPECT_TRUE(a.has_action("set_field:" + std::string(kRouterMacA) + "->eth_src"));
  EXPECT_TRUE(a.has_action("set_field:" + std::string(kRouterMacA) + "->arp_sha"));
  EXPECT_TRUE(a.has_action("IN_PORT"));
  const auto b = one(flows, I::kArpResponder, {{"reg6", "2"}, {"arp_tpa", "10.0.2.1"}});
  EXPECT_TRUE(b.has_action("set_field:" + std::string(kRouterMacB) + "->arp_sha"));
  EXPECT_THAT(select(flows, I::kArpResponder, {{"reg6", "1"}, {"arp_tpa", "10.0.2.1"}}), IsEmpty());
}

TEST_F(RouterFlowsTest, EchoRequestsToAnyRouterAddressAreAnsweredInPlace) {
  const auto flows = compile();
  for (const char* target : {"10.0.1.1", "10.0.2.1"}) {
    const auto echo =
        one(flows, I::kArpResponder, {{"reg6", "1"}, {"dl_dst", kRouterMacA}, {"nw_dst", target}});
    EXPECT_TRUE(echo.matches("icmp_type", "8")) << echo.text;
    EXPECT_THAT(echo.actions,
                ElementsAre("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
                            "set_field:" + std::string(kRouterMacA) + "->eth_src",
                            "move:NXM_OF_IP_SRC[]->NXM_OF_IP_DST[]",
                            "set_field:" + std::string(target) + "->ip_src",
                            "set_field:255->nw_ttl", "set_field:0->icmp_type", "IN_PORT"));
  }
}

TEST_F(RouterFlowsTest, IpToTheRouterMacFromALocalPortGoesToRouting) {
  const auto flows = compile();
  const auto dispatch = one(flows, I::kForwarding, {{"reg6", "1"}, {"dl_dst", kRouterMacA}});
  EXPECT_TRUE(dispatch.matches("reg7", "0"));
  EXPECT_TRUE(dispatch.matches("ip", ""));
  EXPECT_GT(dispatch.priority, 100);
  EXPECT_THAT(dispatch.actions, ElementsAre("goto_table:45"));
}

TEST_F(RouterFlowsTest, ARouteToALocalPortRewritesAndEntersItsNetwork) {
  const auto flows = compile();
  // To b1 (no firewall): straight out of its port.
  const auto to_b1 =
      one(flows, I::kRouting, {{"reg6", "1"}, {"dl_dst", kRouterMacA}, {"nw_dst", "10.0.2.5"}});
  EXPECT_THAT(to_b1.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMacB) + "->eth_src",
                          "set_field:" + std::string(kMacB1) + "->eth_dst", "set_field:2->reg6",
                          "output:2"));
  // To a1 (stateful firewall): through its ingress firewall in A's zone.
  const auto to_a1 =
      one(flows, I::kRouting, {{"reg6", "2"}, {"dl_dst", kRouterMacB}, {"nw_dst", "10.0.1.5"}});
  EXPECT_THAT(to_a1.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMacA) + "->eth_src",
                          "set_field:" + std::string(kMacA1) + "->eth_dst", "set_field:1->reg6",
                          "set_field:1->reg5", "goto_table:50"));
}

TEST_F(RouterFlowsTest, ARouteToARemotePortLeavesTaggedWithItsNetworkForItsHost) {
  const auto flows = compile();
  const auto to_b2 =
      one(flows, I::kRouting, {{"reg6", "1"}, {"dl_dst", kRouterMacA}, {"nw_dst", "10.0.2.6"}});
  EXPECT_THAT(to_b2.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMacB) + "->eth_src",
                          "set_field:" + std::string(kMacB2) + "->eth_dst", "set_field:2->reg6",
                          "push_vlan:0x8100", "set_field:4098->vlan_vid", "output:100"));
  // br-tun sends B's frames for b2's MAC to h2 only, with B's VNI.
  const auto tun = compile("br-tun");
  const auto unicast = one(tun, 10, {{"dl_vlan", "2"}, {"dl_dst", kMacB2}});
  EXPECT_TRUE(unicast.has_action("set_field:0xc8->tun_id")) << unicast.text;
  EXPECT_THAT(unicast.outputs(), ElementsAre(kTunnelH2));
}

// extraroute: a destination behind a port of one of the router's subnets goes to that port,
// local or remote, below the routes to ports and a longer prefix first; a route whose next
// hop no known port holds gets no flow.
TEST_F(RouterFlowsTest, StaticRoutesGoToTheirNextHopPort) {
  router_["routes"] = Json::array({{{"destination", "192.168.0.0/16"}, {"nexthop", "10.0.2.6"}},
                                   {{"destination", "192.168.7.0/24"}, {"nexthop", "10.0.2.5"}},
                                   {{"destination", "172.16.0.0/12"}, {"nexthop", "10.0.2.99"}},
                                   {{"destination", "not-a-cidr"}, {"nexthop", "10.0.2.5"}}});
  const auto flows = compile();
  const auto wide = one(flows, I::kRouting, {{"reg6", "1"}, {"nw_dst", "192.168.0.0/16"}});
  EXPECT_THAT(wide.actions,
              ElementsAre("dec_ttl", "set_field:" + std::string(kRouterMacB) + "->eth_src",
                          "set_field:" + std::string(kMacB2) + "->eth_dst", "set_field:2->reg6",
                          "push_vlan:0x8100", "set_field:4098->vlan_vid", "output:100"));
  const auto narrow = one(flows, I::kRouting, {{"reg6", "1"}, {"nw_dst", "192.168.7.0/24"}});
  EXPECT_TRUE(narrow.has_action("output:2"));  // b1, here, without a firewall
  EXPECT_GT(narrow.priority, wide.priority);
  const auto to_port =
      one(flows, I::kRouting, {{"reg6", "1"}, {"dl_dst", kRouterMacA}, {"nw_dst", "10.0.2.6"}});
  EXPECT_LT(narrow.priority, to_port.priority);
  EXPECT_GT(wide.priority, 60);  // above the router's own subnets and anything going outside
  EXPECT_THAT(select(flows, I::kRouting, {{"nw_dst", "172.16.0.0/12"}}), IsEmpty());
  // Routed from every interface network with local ports, B's own included.
  EXPECT_EQ(select(flows, I::kRouting, {{"nw_dst", "192.168.0.0/16"}}).size(), 2u);
}

TEST_F(RouterFlowsTest, ExpiringAndUnknownDestinationsAreDropped) {
  const auto flows = compile();
  for (const char* ttl : {"0", "1"}) {
    const auto expired = one(flows, I::kRouting, {{"nw_ttl", ttl}});
    EXPECT_THAT(expired.actions, ElementsAre("drop"));
    EXPECT_GT(expired.priority, 100);
  }
  // Routed destinations are the known ports of the other subnet, nothing else.
  EXPECT_EQ(select(flows, I::kRouting, {{"reg6", "1"}}).size(), 2u);
  EXPECT_EQ(select(flows, I::kRouting, {{"reg6", "2"}}).size(), 1u);
  const auto rest = select(flows, I::kRouting, {});
  EXPECT_EQ(std::count_if(rest.begin(), rest.end(),
                          [](const auto& f) { return f.priority == 0 && f.has_action("drop"); }),
            1);
}

TEST_F(RouterFlowsTest, PortsOutsideTheInterfaceSubnetAreNotRouted) {
  b_.port("b3", "B", "fa:16:3e:00:02:03", {"10.0.9.7"}, false);
  auto in = input();
  in.local_ports["b3"] = 3;
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"));
  EXPECT_THAT(select(flows, I::kRouting, {{"nw_dst", "10.0.9.7"}}), IsEmpty());
}

TEST_F(RouterFlowsTest, ARouterDownOrWithoutAnotherCompiledNetworkRoutesNothing) {
  router_["admin_state_up"] = false;
  auto flows = compile();
  EXPECT_THAT(select(flows, I::kRouting, {}), IsEmpty());
  EXPECT_THAT(select(flows, I::kArpResponder, {{"arp_tpa", "10.0.1.1"}}), IsEmpty());

  router_["admin_state_up"] = true;
  b_.set("network:B", "admin_state_up", false);
  flows = compile();
  EXPECT_THAT(select(flows, I::kRouting, {{"reg6", "1"}, {"dl_dst", kRouterMacA}}), IsEmpty());
  EXPECT_EQ(select(flows, I::kArpResponder, {{"arp_tpa", "10.0.1.1"}}).size(), 1u);
}

TEST_F(RouterFlowsTest, MalformedRoutersAndInterfacesAreLeftOut) {
  router_["interfaces"][1]["mac_address"] = "01:00:5e:00:00:01";  // multicast
  router_["interfaces"].push_back(interface("B", "not-a-cidr", "10.0.3.1", kRouterMacB));
  auto flows = compile();
  EXPECT_THAT(select(flows, I::kArpResponder, {{"arp_tpa", "10.0.2.1"}}), IsEmpty());
  EXPECT_THAT(select(flows, I::kArpResponder, {{"arp_tpa", "10.0.3.1"}}), IsEmpty());
  EXPECT_THAT(select(flows, I::kRouting, {{"nw_dst", "10.0.2.5"}}), IsEmpty());
  router_["interfaces"] = "garbage";
  flows = compile();
  EXPECT_THAT(select(flows, I::kArpResponder, {{"arp_tpa", "10.0.1.1"}}), IsEmpty());
}

TEST_F(RouterFlowsTest, RemovingAnInterfaceRemovesOnlyItsFlows) {
  const auto before = PipelineCompiler::compile_canonical(input());
  router_["interfaces"].push_back(
      interface("C", "10.0.3.0/24", "10.0.3.1", "fa:16:3e:aa:00:03"));  // no lvid: ignored
  EXPECT_EQ(PipelineCompiler::compile_canonical(input()), before);
  router_["interfaces"].erase(1);
  const auto after = PipelineCompiler::compile_canonical(input());
  std::vector<std::string> gone;
  std::set_difference(before.at("br-int").begin(), before.at("br-int").end(),
                      after.at("br-int").begin(), after.at("br-int").end(),
                      std::back_inserter(gone));
  std::vector<std::string> added;
  std::set_difference(after.at("br-int").begin(), after.at("br-int").end(),
                      before.at("br-int").begin(), before.at("br-int").end(),
                      std::back_inserter(added));
  EXPECT_THAT(added, IsEmpty());
  // Exactly the flows naming B's interface (its ARP answer, three echo answers, its dispatch)
  // and the three routes between A and B.
  for (const auto& flow : gone) {
    const bool about_b = flow.find(kRouterMacB) != std::string::npos ||
                         flow.find("10.0.2.1") != std::string::npos ||
                         flow.find("table=45") != std::string::npos;
    EXPECT_TRUE(about_b) << flow;
  }
  EXPECT_EQ(gone.size(), 1u + 3u + 1u + 3u);
  EXPECT_EQ(after.at("br-tun"), before.at("br-tun"));
}

TEST_F(RouterFlowsTest, ANetworkWithoutLocalPortsIsRoutedToButNotFrom) {
  b_.network("C", "vxlan", 300)
      .remote("c2", "C", "fa:16:3e:00:03:02", {"10.0.3.6"}, "h2", "192.0.2.2");
  router_["interfaces"].push_back(interface("C", "10.0.3.0/24", "10.0.3.1", "fa:16:3e:aa:00:03"));
  auto in = input();
  in.local_vlans["C"] = 3;
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(in).at("br-int"));
  EXPECT_EQ(select(flows, I::kRouting, {{"reg6", "1"}, {"nw_dst", "10.0.3.6"}}).size(), 1u);
  EXPECT_THAT(select(flows, I::kRouting, {{"reg6", "3"}}), IsEmpty());
  EXPECT_THAT(select(flows, I::kForwarding, {{"reg6", "3"}, {"dl_dst", "fa:16:3e:aa:00:03"}}),
              IsEmpty());
  EXPECT_THAT(select(flows, I::kArpResponder, {{"reg6", "3"}, {"arp_tpa", "10.0.3.1"}}), IsEmpty());
  // Its address still answers ping through the other interfaces.
  EXPECT_EQ(select(flows, I::kArpResponder, {{"reg6", "1"}, {"nw_dst", "10.0.3.1"}}).size(), 1u);
}

// The figure docs/pipeline.md gives: a router with 10 subnets of 10 ports each.
TEST_F(RouterFlowsTest, FlowCountOfARouterWithTenSubnetsAndAHundredPorts) {
  HostStateBuilder b;
  Json interfaces = Json::array();
  PipelineInput in{.cookie = 1};
  for (int n = 0; n < 10; ++n) {
    const std::string net = "N" + std::to_string(n);
    b.network(net, "vxlan", 100 + n);
    in.local_vlans[net] = static_cast<std::uint16_t>(n + 1);
    char mac[32];
    std::snprintf(mac, sizeof mac, "fa:16:3e:aa:00:%02x", n);
    interfaces.push_back(interface(net, "10.9." + std::to_string(n) + ".0/24",
                                   "10.9." + std::to_string(n) + ".1", mac));
    for (int p = 0; p < 10; ++p) {
      std::snprintf(mac, sizeof mac, "fa:16:3e:01:%02x:%02x", n, p);
      const std::string ip = "10.9." + std::to_string(n) + "." + std::to_string(10 + p);
      const std::string id = "p" + std::to_string(n) + "-" + std::to_string(p);
      if (n == 0) {  // this host has the ports of the first subnet; the rest are elsewhere
        b.port(id, net, mac, {ip}, false);
        in.local_ports[id] = static_cast<std::uint32_t>(1 + p);
      } else {
        b.remote(id, net, mac, {ip}, "h2", "192.0.2.2");
      }
    }
  }
  channel::HostState state = b.state();
  state["router:r"] = {{"id", "r"},
                       {"admin_state_up", true},
                       {"interfaces", interfaces},
                       {"gateway", nullptr},
                       {"routes", Json::array()}};
  auto model = decoded_model(state);
  in.model = &model;
  in.patch_tun = kPatchTun;
  const auto with = PipelineCompiler::compile(in).at("br-int").size();
  state.erase("router:r");
  model = decoded_model(state);
  const auto without = PipelineCompiler::compile(in).at("br-int").size();
  // 90 routes + 2 TTL + 1 miss, one dispatch, one ARP and 10 echo answers.
  EXPECT_EQ(with - without, 90u + 3u + 1u + 1u + 10u);
  std::printf("router with 10 subnets, 100 ports, 10 of them here: %zu br-int flows (+%zu)\n", with,
              with - without);
}

TEST_F(RouterFlowsTest, AHostWithoutRoutersKeepsItsFlows) {
  auto with = PipelineCompiler::compile(input());
  state_.erase("router:r1");
  PipelineInput in = input();
  const auto bare = decoded_model(b_.state());
  in.model = &bare;
  const auto without = PipelineCompiler::compile(in);
  EXPECT_THAT(select(ParsedFlow::parse_all(without.at("br-int")), I::kRouting, {}), IsEmpty());
  EXPECT_GT(with.at("br-int").size(), without.at("br-int").size());
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
