// The pipeline compiler as a pure function: which flows a given desired state yields.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "dataplane/openflow/flow_codec.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"
#include "tests/unit/dataplane/pipeline/test_topology.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using T = TestTopology;
using I = IntegrationTables;

std::string lvid_reg(int lvid) {
  return std::to_string(lvid);
}

class PipelineCompilerTest : public ::testing::Test {
 protected:
  std::vector<ParsedFlow> bridge(const std::string& name) const {
    return ParsedFlow::parse_all(PipelineCompiler::compile(topology_.input()).at(name));
  }
  std::vector<ParsedFlow> integration() const { return bridge("br-int"); }
  std::vector<ParsedFlow> tunnel() const { return bridge("br-tun"); }
  std::vector<ParsedFlow> physnet() const { return bridge("br-physnet1"); }

  static std::vector<ParsedFlow> in_table(const std::vector<ParsedFlow>& flows, int table) {
    std::vector<ParsedFlow> out;
    std::copy_if(flows.begin(), flows.end(), std::back_inserter(out),
                 [&](const auto& f) { return f.table == table; });
    return out;
  }
  // The flows of `table` whose match has all of `fields`.
  static std::vector<ParsedFlow> all(const std::vector<ParsedFlow>& flows, int table,
                                     const std::map<std::string, std::string>& fields) {
    std::vector<ParsedFlow> found;
    for (const auto& flow : in_table(flows, table)) {
      if (std::all_of(fields.begin(), fields.end(),
                      [&](const auto& kv) { return flow.matches(kv.first, kv.second); })) {
        found.push_back(flow);
      }
    }
    return found;
  }
  // The one such flow; fails the test unless there is exactly one.
  static ParsedFlow find(const std::vector<ParsedFlow>& flows, int table,
                         const std::map<std::string, std::string>& fields) {
    const auto found = all(flows, table, fields);
    EXPECT_EQ(found.size(), 1u) << "table " << table << " flows matching the fields";
    return found.empty() ? ParsedFlow{} : found.front();
  }

  TestTopology topology_;
};

TEST_F(PipelineCompilerTest, EveryBridgeIsPresentAndEveryFlowCarriesTheCookie) {
  const auto out = PipelineCompiler::compile(topology_.input());
  std::set<std::string> bridges;
  for (const auto& [bridge, flows] : out) {
    bridges.insert(bridge);
    EXPECT_FALSE(flows.empty()) << bridge;
    for (const auto& flow : ParsedFlow::parse_all(flows)) {
      EXPECT_EQ(flow.cookie, T::kCookie) << flow.text;
    }
  }
  EXPECT_THAT(bridges, ElementsAre("br-int", "br-physnet1", "br-tun"));
}

TEST_F(PipelineCompilerTest, ClassifiesAGuestPortIntoItsNetworkAndPortSecurity) {
  const auto flows = integration();
  const auto a1 = find(flows, I::kClassify, {{"in_port", "1"}});
  EXPECT_EQ(a1.priority, 100);
  EXPECT_TRUE(a1.matches("vlan_tci", "0x0000/0x1fff"));  // guests send untagged only
  EXPECT_THAT(a1.actions, ElementsAre("set_field:1->reg6", "goto_table:10"));
  EXPECT_THAT(find(flows, I::kClassify, {{"in_port", "3"}}).actions,
              ElementsAre("set_field:2->reg6", "goto_table:10"));
  EXPECT_THAT(all(flows, I::kClassify, {{"in_port", "100"}, {"vlan_tci", "0x0000/0x1fff"}}),
              IsEmpty());
}

TEST_F(PipelineCompilerTest, PortSecurityAllowsOnlyThePortsOwnAddresses) {
  const auto flows = in_table(integration(), I::kPortSecurity);
  const auto ip = find(flows, I::kPortSecurity, {{"in_port", "1"}, {"ip", ""}});
  EXPECT_TRUE(ip.matches("dl_src", T::kMacA1));
  EXPECT_TRUE(ip.matches("nw_src", T::kIpA1));
  EXPECT_THAT(ip.actions, ElementsAre("goto_table:20"));
  const auto arp =
      find(flows, I::kPortSecurity, {{"in_port", "1"}, {"arp", ""}, {"arp_spa", T::kIpA1}});
  EXPECT_TRUE(arp.matches("arp_sha", T::kMacA1));
  EXPECT_TRUE(arp.matches("dl_src", T::kMacA1));
  const auto dhcp = find(flows, I::kPortSecurity, {{"in_port", "1"}, {"udp", ""}});
  EXPECT_TRUE(dhcp.matches("nw_src", "0.0.0.0"));
  EXPECT_TRUE(dhcp.matches("tp_src", "68"));
  EXPECT_TRUE(dhcp.matches("tp_dst", "67"));
  // IPv6 only from the link-local address derived from the MAC and the fixed IPv6 IPs.
  std::set<std::string> v6_sources;
  for (const auto& flow : flows) {
    if (flow.matches("in_port", "2") && flow.match.contains("ipv6")) {
      v6_sources.insert(flow.match.at("ipv6_src"));
    }
  }
  EXPECT_THAT(v6_sources, ElementsAre("2001:db8::12", "fe80::f816:3eff:fe00:2"));
  // Every allowing flow pins the source MAC; nothing from another port's ofport is allowed.
  for (const auto& flow : flows) {
    if (!flow.actions.empty() && flow.actions != std::vector<std::string>{"drop"}) {
      EXPECT_TRUE(flow.match.contains("dl_src")) << flow.text;
      const std::string mac = flow.match.at("dl_src");
      const std::string port = flow.match.at("in_port");
      EXPECT_TRUE((port == "1" && mac == T::kMacA1) || (port == "2" && mac == T::kMacA2) ||
                  (port == "3" && mac == T::kMacB1) || (port == "4" && mac == T::kMacV1) ||
                  (port == "5" && mac == T::kMacF1))
          << flow.text;
    }
  }
}

TEST_F(PipelineCompilerTest, PortSecurityOffAndTrustedPortsSkipTheTable) {
  // a3 has port security off; a DHCP port is trusted by its device owner.
  HostStateBuilder b;
  b.network("A", "vxlan", 100)
      .port("a3", "A", T::kMacA3, {T::kIpA3}, false)
      .port("dhcp", "A", "fa:16:3e:00:00:99", {"10.0.0.2"}, true, "network:dhcp");
  PipelineInput input{.model = &b.model(), .cookie = 1};
  input.local_ports = {{"a3", 6}, {"dhcp", 7}};
  input.local_vlans = {{"A", 1}};
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(input).at("br-int"));
  EXPECT_THAT(find(flows, I::kClassify, {{"in_port", "6"}}).actions,
              ElementsAre("set_field:1->reg6", "goto_table:20"));
  EXPECT_THAT(find(flows, I::kClassify, {{"in_port", "7"}}).actions,
              ElementsAre("set_field:1->reg6", "goto_table:20"));
  for (const auto& flow : in_table(flows, I::kPortSecurity)) {
    EXPECT_FALSE(flow.match.contains("in_port")) << flow.text;
  }
  // Their addresses are still answered by the ARP responder.
  const auto answers = all(flows, I::kArpResponder, {{"arp_tpa", "10.0.0.2"}});
  ASSERT_EQ(answers.size(), 2u);  // the answer, and the DHCP port's own requests going on
  EXPECT_TRUE(answers[0].has_action("IN_PORT") || answers[1].has_action("IN_PORT"));
}

TEST_F(PipelineCompilerTest, ArpResponderAnswersKnownAddressesPerNetwork) {
  const auto flows = integration();
  const auto remote_a =
      find(flows, I::kArpResponder, {{"reg6", lvid_reg(T::kLvidA)}, {"arp_tpa", T::kIpRemote}});
  EXPECT_THAT(remote_a.actions,
              ElementsAre("move:NXM_OF_ETH_SRC[]->NXM_OF_ETH_DST[]",
                          std::string("set_field:") + T::kMacRemoteA2 + "->eth_src",
                          "set_field:2->arp_op", "move:NXM_NX_ARP_SHA[]->NXM_NX_ARP_THA[]",
                          "move:NXM_OF_ARP_SPA[]->NXM_OF_ARP_TPA[]",
                          std::string("set_field:") + T::kMacRemoteA2 + "->arp_sha",
                          std::string("set_field:") + T::kIpRemote + "->arp_spa", "IN_PORT"));
  EXPECT_TRUE(remote_a.matches("arp_op", "1"));
  // The same IP on network B answers with B's MAC.
  const auto remote_b =
      find(flows, I::kArpResponder, {{"reg6", lvid_reg(T::kLvidB)}, {"arp_tpa", T::kIpRemote}});
  EXPECT_TRUE(remote_b.has_action(std::string("set_field:") + T::kMacRemoteB3 + "->eth_src"));
  // A port asking for its own address is not answered: the request goes on.
  const auto own = find(flows, I::kArpResponder, {{"in_port", "1"}, {"arp_tpa", T::kIpA1}});
  EXPECT_EQ(own.priority, 110);
  EXPECT_THAT(own.actions, ElementsAre("goto_table:30"));
}

TEST_F(PipelineCompilerTest, ForwardsLocalAndRemoteMacsWithinTheNetwork) {
  const auto flows = integration();
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "1"}, {"dl_dst", T::kMacA1}}).actions,
              ElementsAre("output:1"));
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "2"}, {"dl_dst", T::kMacB1}}).actions,
              ElementsAre("output:3"));
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "1"}, {"dl_dst", T::kMacRemoteA2}}).actions,
              ElementsAre("push_vlan:0x8100", "set_field:4097->vlan_vid", "output:100"));
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "3"}, {"dl_dst", T::kMacRemoteV2}}).actions,
              ElementsAre("push_vlan:0x8100", "set_field:4099->vlan_vid", "output:101"));
  // Floods: local ports of the network, plus the uplink only for local senders.
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "1"}, {"reg7", "0"}}).actions,
              ElementsAre("output:1", "output:2", "output:6", "push_vlan:0x8100",
                          "set_field:4097->vlan_vid", "output:100"));
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "1"}, {"reg7", "1"}}).actions,
              ElementsAre("output:1", "output:2", "output:6"));
  EXPECT_THAT(
      find(flows, I::kForwarding, {{"reg6", "4"}, {"reg7", "0"}}).actions,
      ElementsAre("output:5", "push_vlan:0x8100", "set_field:4100->vlan_vid", "output:101"));
}

TEST_F(PipelineCompilerTest, AcceptsFromUplinksOnlyTheLvidsOfTheirNetworks) {
  const auto flows = in_table(integration(), I::kClassify);
  std::map<std::string, std::set<std::string>> lvids_by_uplink;
  for (const auto& flow : flows) {
    if (flow.match.contains("dl_vlan")) {
      lvids_by_uplink[flow.match.at("in_port")].insert(flow.match.at("dl_vlan"));
      EXPECT_THAT(flow.actions,
                  ElementsAre("pop_vlan", "set_field:" + flow.match.at("dl_vlan") + "->reg6",
                              "set_field:1->reg7", "goto_table:40"));
    }
  }
  EXPECT_THAT(lvids_by_uplink,
              ElementsAre(std::pair{std::string("100"), std::set<std::string>{"1", "2"}},
                          std::pair{std::string("101"), std::set<std::string>{"3", "4"}}));
}

TEST_F(PipelineCompilerTest, NetworksWithTheSameMacsAndCidrNeverShareAnLvid) {
  // a1 and b1 have one MAC and one IP; so do the remotes' IPs. Whatever a br-int flow
  // matches or sets, it concerns exactly one network, and only that network's ports.
  const std::map<std::string, std::set<int>> ports = {
      {"1", {1, 2, 6, 100}}, {"2", {3, 100}}, {"3", {4, 101}}, {"4", {5, 101}}};
  for (const auto& flow : integration()) {
    std::set<std::string> lvids;
    if (flow.match.contains("reg6")) {
      lvids.insert(flow.match.at("reg6"));
    }
    if (flow.match.contains("dl_vlan")) {
      lvids.insert(flow.match.at("dl_vlan"));
    }
    for (const auto& action : flow.actions) {
      if (action.starts_with("set_field:") && action.ends_with("->reg6")) {
        lvids.insert(action.substr(10, action.size() - 16));
      }
      if (action.ends_with("->vlan_vid")) {
        lvids.insert(std::to_string(std::stoi(action.substr(10)) - 0x1000));
      }
    }
    if (flow.priority == 0 || flow.table == I::kPortSecurity || flow.table == I::kEgressConntrack ||
        flow.table == I::kEgressRules || flow.table == I::kIngressConntrack ||
        flow.table == I::kIngressRules) {
      continue;  // catch-alls, per-port anti-spoofing, conntrack states: no network involved
    }
    ASSERT_EQ(lvids.size(), 1u) << flow.text;
    for (const int out : flow.outputs()) {
      EXPECT_TRUE(ports.at(*lvids.begin()).contains(out)) << flow.text;
    }
  }
  // br-tun: each lvid maps to its own VNI and back.
  for (const auto& flow : tunnel()) {
    if (flow.match.contains("dl_vlan")) {
      const bool a = flow.matches("dl_vlan", "1");
      EXPECT_TRUE(flow.has_action(a ? "set_field:0x64->tun_id" : "set_field:0xc8->tun_id"))
          << flow.text;
    }
    if (flow.match.contains("tun_id")) {
      const bool a = flow.matches("tun_id", "0x64");
      EXPECT_TRUE(flow.has_action(a ? "set_field:4097->vlan_vid" : "set_field:4098->vlan_vid"))
          << flow.text;
    }
  }
}

TEST_F(PipelineCompilerTest, TunnelBridgeSendsRemoteMacsToTheirHostsVxlanPort) {
  const auto flows = tunnel();
  EXPECT_THAT(find(flows, 10, {{"dl_vlan", "1"}, {"dl_dst", T::kMacRemoteA2}}).actions,
              ElementsAre("pop_vlan", "set_field:0x64->tun_id", "output:10"));
  EXPECT_THAT(find(flows, 10, {{"dl_vlan", "1"}, {"dl_dst", T::kMacRemoteA4}}).actions,
              ElementsAre("pop_vlan", "set_field:0x64->tun_id", "output:12"));
  EXPECT_THAT(find(flows, 10, {{"dl_vlan", "2"}, {"dl_dst", T::kMacRemoteB3}}).actions,
              ElementsAre("pop_vlan", "set_field:0xc8->tun_id", "output:11"));
  EXPECT_THAT(find(flows, 20, {{"tun_id", "0x64"}}).actions,
              ElementsAre("push_vlan:0x8100", "set_field:4097->vlan_vid", "output:1"));
  EXPECT_THAT(find(flows, 0, {{"in_port", "1"}}).actions, ElementsAre("goto_table:10"));
  for (const auto port : {"10", "11", "12", "13"}) {
    EXPECT_THAT(find(flows, 0, {{"in_port", port}}).actions, ElementsAre("goto_table:20"));
  }
  // VLAN and flat networks have nothing to do on br-tun.
  for (const auto& flow : flows) {
    EXPECT_FALSE(flow.matches("dl_vlan", "3") || flow.matches("dl_vlan", "4")) << flow.text;
  }
}

TEST_F(PipelineCompilerTest, BroadcastGoesOnlyToHostsWithAPortOnTheNetwork) {
  const auto flows = tunnel();
  std::map<std::string, std::vector<int>> floods;
  for (const auto& flow : in_table(flows, 10)) {
    if (flow.priority == 50) {
      floods[flow.match.at("dl_vlan")] = flow.outputs();
    }
  }
  EXPECT_THAT(floods, ElementsAre(std::pair{std::string("1"), std::vector<int>{10, 12}},
                                  std::pair{std::string("2"), std::vector<int>{11}}));
}

TEST_F(PipelineCompilerTest, PhysnetBridgeTranslatesVlanAndFlatBothWays) {
  const auto flows = physnet();
  EXPECT_THAT(find(flows, 0, {{"in_port", "1"}}).actions, ElementsAre("goto_table:1"));
  EXPECT_THAT(find(flows, 1, {{"dl_vlan", "3"}}).actions,
              ElementsAre("set_field:4396->vlan_vid", "NORMAL"));
  EXPECT_THAT(find(flows, 1, {{"dl_vlan", "4"}}).actions, ElementsAre("pop_vlan", "NORMAL"));
  EXPECT_THAT(find(flows, 2, {{"dl_vlan", "300"}}).actions,
              ElementsAre("set_field:4099->vlan_vid", "output:1"));
  EXPECT_THAT(find(flows, 2, {{"vlan_tci", "0x0000/0x1fff"}}).actions,
              ElementsAre("push_vlan:0x8100", "set_field:4100->vlan_vid", "output:1"));
  // Nothing else comes in from the physical side, VXLAN networks' lvids included.
  EXPECT_EQ(all(flows, 2, {}).size(), 3u);
  EXPECT_EQ(std::count_if(
                flows.begin(), flows.end(),
                [](const auto& f) { return f.table == 2 && f.priority == 0 && f.match.empty(); }),
            1);
}

TEST_F(PipelineCompilerTest, OutputIsSortedAndStableAcrossCallsAndInputOrder) {
  const auto first = PipelineCompiler::compile(topology_.input());
  EXPECT_EQ(PipelineCompiler::compile(topology_.input()), first);
  for (const auto& [bridge, flows] : first) {
    EXPECT_TRUE(std::is_sorted(flows.begin(), flows.end())) << bridge;
    EXPECT_EQ(std::set<std::string>(flows.begin(), flows.end()).size(), flows.size()) << bridge;
  }
  // The same state built in another order (and with fixed IPs' JSON keys reordered) is the
  // same state.
  TestTopology other = topology_;
  channel::HostState rebuilt;
  for (auto it = other.state.rbegin(); it != other.state.rend(); ++it) {
    rebuilt.emplace(it->first, Json::parse(it->second.dump()));
  }
  other.state = rebuilt;
  EXPECT_EQ(PipelineCompiler::compile(other.input()), first);

  const auto canonical = PipelineCompiler::canonical(first);
  EXPECT_EQ(PipelineCompiler::compile_canonical(topology_.input()), canonical);
  for (const auto& [bridge, flows] : canonical) {
    EXPECT_EQ(flows.size(), first.at(bridge).size());
    EXPECT_TRUE(std::is_sorted(flows.begin(), flows.end()));
    for (const auto& flow : flows) {
      EXPECT_EQ(openflow::FlowCodec::canonical(flow), flow);  // a fixed point
    }
  }
}

TEST_F(PipelineCompilerTest, IncompleteObjectsAreLeftOut) {
  auto input = topology_.input();
  input.local_ports.erase("a2");     // not plugged
  input.local_vlans.erase("F");      // no lvid yet
  input.tunnel_ports.erase(T::kH4);  // no VXLAN port to h4 yet
  TestTopology topology = topology_;
  topology.state.at("port:b1")["admin_state_up"] = false;
  topology.state.at("port:v1")["mac_address"] = "not-a-mac";
  topology.model = decoded_model(topology.state);
  input.model = &topology.model;
  const auto out = PipelineCompiler::compile(input);
  for (const auto& flow : out.at("br-int")) {
    for (const auto* gone : {"in_port=2,", "in_port=3,", "in_port=4,", "in_port=5,", "output:2",
                             "output:3", "output:4", "output:5", "reg6=4"}) {
      EXPECT_EQ(flow.find(gone), std::string::npos) << gone << " in " << flow;
    }
  }
  for (const auto& flow : out.at("br-tun")) {
    EXPECT_EQ(flow.find("output:12"), std::string::npos) << flow;
  }
  for (const auto& flow : out.at("br-physnet1")) {
    EXPECT_EQ(flow.find("dl_vlan=4"), std::string::npos) << flow;
  }
}

TEST_F(PipelineCompilerTest, MissingWiringMakesNetworksHostLocal) {
  auto input = topology_.input();
  input.patch_tun.reset();
  input.physnets.at("physnet1").int_patch.reset();
  const auto flows = ParsedFlow::parse_all(PipelineCompiler::compile(input).at("br-int"));
  for (const auto& flow : flows) {
    EXPECT_FALSE(flow.has_action("output:100") || flow.has_action("output:101")) << flow.text;
    EXPECT_FALSE(flow.match.contains("dl_vlan")) << flow.text;
  }
  EXPECT_THAT(find(flows, I::kForwarding, {{"reg6", "1"}, {"reg7", "0"}}).actions,
              ElementsAre("output:1", "output:2", "output:6"));
}

TEST_F(PipelineCompilerTest, InconsistentLvidsAreRefused) {
  auto input = topology_.input();
  input.local_vlans["B"] = T::kLvidA;
  EXPECT_THROW(PipelineCompiler::compile(input), std::invalid_argument);
  input.local_vlans["B"] = 0;
  EXPECT_THROW(PipelineCompiler::compile(input), std::invalid_argument);
  input.local_vlans["B"] = 4095;
  EXPECT_THROW(PipelineCompiler::compile(input), std::invalid_argument);
}

TEST_F(PipelineCompilerTest, AnEmptyHostHasOnlyCatchAllFlows) {
  PipelineInput input{.cookie = 7};
  const auto out = PipelineCompiler::compile_canonical(input);
  std::vector<std::string> per_table;
  for (const auto& flow : ParsedFlow::parse_all(PipelineCompiler::compile(input).at("br-int"))) {
    if (flow.table == I::kEgressConntrack || flow.table == I::kEgressRules ||
        flow.table == I::kIngressConntrack || flow.table == I::kIngressRules) {
      // The firewall's shared flows (conntrack states, DHCP, neighbour discovery): nothing
      // of a port or a network.
      for (const auto* field : {"in_port", "reg5", "reg6"}) {
        EXPECT_FALSE(flow.match.contains(field)) << flow.text;
      }
      continue;
    }
    per_table.push_back(openflow::FlowCodec::canonical(flow.text));
  }
  EXPECT_THAT(
      per_table,
      UnorderedElementsAre(
          openflow::FlowCodec::canonical("cookie=0x7,table=0,priority=0,actions=drop"),
          openflow::FlowCodec::canonical("cookie=0x7,table=10,priority=0,actions=drop"),
          openflow::FlowCodec::canonical("cookie=0x7,table=20,priority=0,actions=goto_table:30"),
          openflow::FlowCodec::canonical("cookie=0x7,table=40,priority=0,actions=drop")));
  EXPECT_THAT(out.at("br-int"), Contains(openflow::FlowCodec::canonical(
                                    "cookie=0x7,table=30,priority=0,actions=goto_table:40")));
  EXPECT_EQ(out.at("br-tun").size(), 3u);  // table 0, 10, 20: drop
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
