// The security group tables as the compiler writes them: which flows a port's groups yield,
// and that changes to rules and group membership touch only the flows they concern.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <set>

#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;
using I = IntegrationTables;

const Json kEgressAny4 = {{"direction", "egress"}};
const Json kEgressAny6 = {{"direction", "egress"}, {"ethertype", "IPv6"}};

std::string mac(int n) {
  char out[18];
  std::snprintf(out, sizeof out, "fa:16:3e:00:%02x:%02x", n / 256, n % 256);
  return out;
}
std::string ip(int n) {
  return "10.0." + std::to_string(n / 250) + "." + std::to_string(n % 250 + 2);
}

// One network "N" (lvid 1); ports p<n> at ofport n.
class SecurityGroupFlowsTest : public ::testing::Test {
 protected:
  SecurityGroupFlowsTest() { b_.network("N", "vxlan", 100).subnet("s", "N", "10.0.0.0/16"); }

  void port(int n, const std::vector<std::string>& groups) {
    const std::string id = "p" + std::to_string(n);
    b_.port(id, "N", mac(n), {ip(n)}).set("port:" + id, "security_groups", groups);
    ofports_[id] = static_cast<std::uint32_t>(n);
  }
  std::vector<std::string> compile() const {
    PipelineInput input;
    input.model = &b_.model();
    input.cookie = 1;
    input.security_groups = security_groups_;
    input.local_ports = ofports_;
    input.local_vlans = {{"N", 1}};
    input.tunnel_bridge.clear();
    return PipelineCompiler::compile(input).at("br-int");
  }
  std::vector<ParsedFlow> flows(int table) const {
    std::vector<ParsedFlow> out;
    for (auto& flow : ParsedFlow::parse_all(compile())) {
      if (flow.table == table) {
        out.push_back(flow);
      }
    }
    return out;
  }
  static std::vector<ParsedFlow> with(const std::vector<ParsedFlow>& flows,
                                      const std::string& field, const std::string& value) {
    std::vector<ParsedFlow> out;
    std::copy_if(flows.begin(), flows.end(), std::back_inserter(out),
                 [&](const auto& f) { return f.matches(field, value); });
    return out;
  }

  HostStateBuilder b_;
  std::map<std::string, std::uint32_t> ofports_;
  bool security_groups_ = true;  // false: the noop firewall driver
};

std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
  std::vector<std::string> out;
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
  return out;
}

TEST_F(SecurityGroupFlowsTest, AFirewalledPortsIpTrafficGoesThroughConntrackInItsNetworksZone) {
  b_.security_group("sg", {kEgressAny4});
  port(1, {"sg"});
  const auto egress = with(flows(I::kEgressConntrack), "in_port", "1");
  const auto ip = with(egress, "ip", "");
  ASSERT_THAT(ip, SizeIs(1));
  EXPECT_THAT(ip[0].actions, ElementsAre("ct(table=31,zone=NXM_NX_REG6[0..15])"));
  // Frames for it are handed to its ingress firewall rather than output.
  const auto forward = with(flows(I::kForwarding), "dl_dst", mac(1));
  ASSERT_THAT(forward, SizeIs(1));
  EXPECT_THAT(forward[0].actions, ElementsAre("set_field:1->reg5", "goto_table:50"));
  // Table 50 sees only frames for firewalled ports: its conntrack lookup is shared.
  const auto ingress = with(flows(I::kIngressConntrack), "ipv6", "");
  ASSERT_THAT(ingress, SizeIs(1));
  EXPECT_THAT(ingress[0].actions, ElementsAre("ct(table=51,zone=NXM_NX_REG6[0..15])"));
  // The egress rule: a new IPv4 connection out is committed and forwarded.
  const auto rule = with(flows(I::kEgressRules), "in_port", "1");
  ASSERT_THAT(rule, SizeIs(1));
  EXPECT_TRUE(rule[0].matches("ct_state", "+new-est+trk"));
  EXPECT_THAT(rule[0].actions, ElementsAre("ct(commit,zone=NXM_NX_REG6[0..15])", "goto_table:40"));
  EXPECT_THAT(with(flows(I::kIngressRules), "reg5", "1"), IsEmpty());  // nothing comes in
}

TEST_F(SecurityGroupFlowsTest, PortsWithoutPortSecurityOrUnderTheNoopDriverAreNotFirewalled) {
  b_.security_group("sg", {kEgressAny4});
  port(1, {"sg"});
  b_.port("p2", "N", mac(2), {ip(2)}, false).set("port:p2", "security_groups", Json::array());
  ofports_["p2"] = 2;
  EXPECT_THAT(with(flows(I::kEgressConntrack), "in_port", "1"), Not(IsEmpty()));
  EXPECT_THAT(with(flows(I::kEgressConntrack), "in_port", "2"), IsEmpty());
  // Neutron's noop driver: anti-spoofing stays, the firewall goes.
  security_groups_ = false;
  for (const auto* port : {"1", "2"}) {
    EXPECT_THAT(with(flows(I::kEgressConntrack), "in_port", port), IsEmpty());
  }
  EXPECT_THAT(with(flows(I::kPortSecurity), "in_port", "1"), Not(IsEmpty()));
  for (const auto& flow : flows(I::kForwarding)) {
    if (flow.priority == 100) {
      EXPECT_THAT(flow.outputs(), SizeIs(1)) << flow.text;
    }
  }
}

TEST_F(SecurityGroupFlowsTest, DhcpAndNeighbourDiscoveryBypassTheRulesButGuestsServeNoDhcp) {
  port(1, {});
  const auto client = with(with(flows(I::kEgressConntrack), "udp", ""), "tp_dst", "67");
  ASSERT_THAT(client, SizeIs(1));
  EXPECT_THAT(client[0].actions, ElementsAre("goto_table:40"));
  const auto server =
      with(with(with(flows(I::kEgressConntrack), "in_port", "1"), "udp", ""), "tp_src", "67");
  ASSERT_THAT(server, SizeIs(1));
  EXPECT_THAT(server[0].actions, ElementsAre("drop"));
  const auto replies = with(with(flows(I::kIngressConntrack), "udp", ""), "tp_dst", "68");
  ASSERT_THAT(replies, SizeIs(1));
  EXPECT_THAT(replies[0].actions, ElementsAre("output:NXM_NX_REG5[]"));
  EXPECT_THAT(with(flows(I::kIngressConntrack), "icmp_type", "135"), SizeIs(1));
}

TEST_F(SecurityGroupFlowsTest, AFirewalledPortCostsFourFlowsPlusItsRules) {
  b_.security_group("sg", {kEgressAny4, kEgressAny6});
  const auto firewall_flows = [&] {
    std::size_t n = 0;
    for (const int table :
         {I::kEgressConntrack, I::kEgressRules, I::kIngressConntrack, I::kIngressRules}) {
      n += flows(table).size();
    }
    return n;
  };
  const auto none = firewall_flows();
  port(1, {"sg"});
  const auto one = firewall_flows();
  port(2, {"sg"});
  // Conntrack for IPv4 and IPv6 and no DHCP server replies (table 30), and one flow per rule;
  // what passes untracked and the conntrack states are shared.
  EXPECT_EQ(one - none, 4u + 2u);
  EXPECT_EQ(firewall_flows() - one, 4u + 2u);
}

TEST_F(SecurityGroupFlowsTest, PrefixAndPortRangeRulesMatchTheirFields) {
  b_.security_group("web", {{{"protocol", 6},
                             {"port_range_min", 80},
                             {"port_range_max", 81},
                             {"remote_ip_prefix", "192.0.2.0/24"}},
                            {{"protocol", 1}, {"port_range_min", 8}}});
  port(1, {"web"});
  const auto rules = with(flows(I::kIngressRules), "reg5", "1");
  const auto tcp = with(rules, "tcp", "");
  ASSERT_THAT(tcp, SizeIs(1));
  EXPECT_TRUE(tcp[0].matches("tp_dst", "0x50/0xfffe"));
  EXPECT_TRUE(tcp[0].matches("nw_src", "192.0.2.0/24"));
  EXPECT_THAT(tcp[0].actions, ElementsAre("ct(commit,zone=NXM_NX_REG6[0..15])", "output:1"));
  EXPECT_THAT(with(with(rules, "icmp", ""), "icmp_type", "8"), SizeIs(1));
}

TEST_F(SecurityGroupFlowsTest, RemoteGroupRulesAreConjunctionsLinearInMembersAndPorts) {
  // 100 local ports in the group, each allowing SSH from the group's members.
  b_.security_group("g", {{{"protocol", 6},
                           {"port_range_min", 22},
                           {"port_range_max", 22},
                           {"remote_group_id", "g"}}});
  std::vector<std::string> members;
  for (int n = 1; n <= 100; ++n) {
    port(n, {"g"});
    members.push_back(ip(n));
  }
  b_.remote_group("g", members);
  const auto rules = flows(I::kIngressRules);
  // 100 member clauses + 100 port clauses + 1 conjunction + the 4 conntrack-state flows.
  EXPECT_THAT(rules, SizeIs(205));
  const auto member = with(rules, "nw_src", ip(7));
  ASSERT_THAT(member, SizeIs(1));
  ASSERT_THAT(member[0].actions, SizeIs(1));
  const std::string conjunction = member[0].actions[0];  // "conjunction(<id>,1/2)"
  const std::string id = conjunction.substr(12, conjunction.find(',') - 12);
  EXPECT_EQ(conjunction, "conjunction(" + id + ",1/2)");
  const auto port7 = with(rules, "reg5", "7");
  ASSERT_THAT(port7, SizeIs(1));
  EXPECT_THAT(port7[0].actions, ElementsAre("conjunction(" + id + ",2/2)"));
  const auto accept = with(rules, "conj_id", id);
  ASSERT_THAT(accept, SizeIs(1));
  EXPECT_THAT(accept[0].actions,
              ElementsAre("ct(commit,zone=NXM_NX_REG6[0..15])", "output:NXM_NX_REG5[]"));
}

TEST_F(SecurityGroupFlowsTest, ANewMemberOfARemoteGroupIsOneAddedFlow) {
  b_.security_group("g", {{{"remote_group_id", "g"}}, kEgressAny4});
  port(1, {"g"});
  port(2, {"g"});
  b_.remote_group("g", {ip(1), ip(2), "10.9.9.9"});
  const auto before = compile();
  b_.remote_group("g", {ip(1), ip(2), "10.9.9.9", "10.9.9.10"});
  const auto after = compile();
  EXPECT_THAT(minus(before, after), IsEmpty());
  const auto added = minus(after, before);
  ASSERT_THAT(added, SizeIs(1));
  EXPECT_THAT(added[0], ::testing::HasSubstr("nw_src=10.9.9.10"));
}

TEST_F(SecurityGroupFlowsTest, AddressGroupRulesAreConjunctionsOverTheGroupsCidrs) {
  // 10 ports, 3 IPv4 rules and 1 IPv6 rule from one address group of 5 + 1 CIDRs.
  const auto from_ag = [](Json rule) {
    rule["remote_address_group_id"] = "ag";
    return rule;
  };
  b_.security_group("sg",
                    {from_ag({{"protocol", 6}, {"port_range_min", 22}, {"port_range_max", 22}}),
                     from_ag({{"protocol", 6}, {"port_range_min", 80}, {"port_range_max", 80}}),
                     from_ag({{"protocol", 17}, {"port_range_min", 53}, {"port_range_max", 53}}),
                     from_ag({{"ethertype", "IPv6"}})});
  for (int n = 1; n <= 10; ++n) {
    port(n, {"sg"});
  }
  b_.address_group("ag", {"10.1.0.0/24", "10.2.0.0/24", "10.3.0.0/24", "10.4.0.0/24",
                          "192.0.2.7/32", "2001:db8::/64"});
  const auto rules = flows(I::kIngressRules);
  // IPv4: 5 CIDR clauses + 10 ports x 3 rules + 1 conjunction; IPv6: 1 + 10 + 1; 4 state flows.
  EXPECT_THAT(rules, SizeIs(5 + 30 + 1 + 1 + 10 + 1 + 4));
  const auto cidr = with(rules, "nw_src", "10.3.0.0/24");
  ASSERT_THAT(cidr, SizeIs(1));
  ASSERT_THAT(cidr[0].actions, SizeIs(1));
  const std::string id = cidr[0].actions[0].substr(12, cidr[0].actions[0].find(',') - 12);
  EXPECT_THAT(with(rules, "nw_src", "192.0.2.7"), SizeIs(1));
  EXPECT_THAT(with(rules, "ipv6_src", "2001:db8::/64"), SizeIs(1));
  const auto port3 = with(with(rules, "reg5", "3"), "tp_dst", "80");
  ASSERT_THAT(port3, SizeIs(1));
  EXPECT_THAT(port3[0].actions, ElementsAre("conjunction(" + id + ",2/2)"));
  EXPECT_THAT(with(rules, "conj_id", id), SizeIs(1));
}

TEST_F(SecurityGroupFlowsTest, AnEgressAddressGroupRuleMatchesDestinations) {
  b_.security_group("sg", {{{"direction", "egress"}, {"remote_address_group_id", "ag"}}});
  port(1, {"sg"});
  b_.address_group("ag", {"198.51.100.0/24"});
  EXPECT_THAT(with(flows(I::kEgressRules), "nw_dst", "198.51.100.0/24"), SizeIs(1));
  EXPECT_THAT(with(flows(I::kIngressRules), "nw_src", "198.51.100.0/24"), IsEmpty());
}

TEST_F(SecurityGroupFlowsTest, ChangingAnAddressGroupChangesOnlyItsCidrFlows) {
  b_.security_group("sg", {{{"remote_address_group_id", "ag"}}, kEgressAny4});
  port(1, {"sg"});
  port(2, {"sg"});
  b_.address_group("ag", {"10.9.0.0/16"});
  const auto before = compile();
  b_.address_group("ag", {"10.9.0.0/16", "172.16.5.0/24"});
  const auto after = compile();
  EXPECT_THAT(minus(before, after), IsEmpty());
  const auto added = minus(after, before);
  ASSERT_THAT(added, SizeIs(1));
  EXPECT_THAT(added[0], ::testing::HasSubstr("nw_src=172.16.5.0/24"));
  b_.address_group("ag", {"172.16.5.0/24"});
  const auto removed = minus(after, compile());
  ASSERT_THAT(removed, SizeIs(1));
  EXPECT_THAT(removed[0], ::testing::HasSubstr("nw_src=10.9.0.0/16"));
}

TEST_F(SecurityGroupFlowsTest, AnAddressGroupAndARemoteGroupOfOneIdAreDifferentSets) {
  b_.security_group("sg", {{{"remote_group_id", "x"}}, {{"remote_address_group_id", "x"}}});
  port(1, {"sg"});
  b_.remote_group("x", {"10.9.9.9"}).address_group("x", {"10.8.0.0/16"});
  const auto rules = flows(I::kIngressRules);
  const auto member = with(rules, "nw_src", "10.9.9.9");
  const auto cidr = with(rules, "nw_src", "10.8.0.0/16");
  ASSERT_THAT(member, SizeIs(1));
  ASSERT_THAT(cidr, SizeIs(1));
  EXPECT_NE(member[0].actions, cidr[0].actions);
}

TEST_F(SecurityGroupFlowsTest, AnAddressInTwoGroupsIsOneFlowWithBothClauses) {
  b_.security_group("a", {{{"remote_group_id", "x"}}, {{"remote_group_id", "y"}}});
  port(1, {"a"});
  b_.remote_group("x", {"10.9.9.9"}).remote_group("y", {"10.9.9.9"});
  const auto member = with(flows(I::kIngressRules), "nw_src", "10.9.9.9");
  ASSERT_THAT(member, SizeIs(1));
  EXPECT_THAT(member[0].actions, SizeIs(2));
}

TEST_F(SecurityGroupFlowsTest, ARuleChangeTouchesOnlyThatRulesFlows) {
  b_.security_group("sg", {kEgressAny4, kEgressAny6, {{"remote_group_id", "sg"}}});
  port(1, {"sg"});
  port(2, {"sg"});
  b_.remote_group("sg", {ip(1), ip(2)});
  const auto before = compile();
  b_.security_group("sg", {kEgressAny4,
                           kEgressAny6,
                           {{"remote_group_id", "sg"}},
                           {{"protocol", 6}, {"port_range_min", 22}, {"port_range_max", 22}}});
  const auto after = compile();
  EXPECT_THAT(minus(before, after), IsEmpty());
  EXPECT_THAT(minus(after, before), SizeIs(2));  // tcp/22 into each of the two ports
}

TEST_F(SecurityGroupFlowsTest, AStatelessPortsRulesSkipConntrackBothWays) {
  b_.security_group(
      "sl", {kEgressAny4, {{"protocol", 6}, {"port_range_min", 22}, {"port_range_max", 22}}});
  b_.set("security_group:sl", "stateful", false);
  port(1, {"sl"});
  const auto out = with(with(flows(I::kEgressConntrack), "in_port", "1"), "ip", "");
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_THAT(out[0].actions, ElementsAre("goto_table:31"));
  // Frames tracked on a stateful sender's way out lose that state before the rules.
  const auto in = with(with(flows(I::kIngressConntrack), "reg5", "1"), "ip", "");
  ASSERT_THAT(in, SizeIs(1));
  EXPECT_THAT(in[0].actions, ElementsAre("ct_clear", "goto_table:51"));
  const auto egress = with(flows(I::kEgressRules), "in_port", "1");
  ASSERT_THAT(egress, SizeIs(1));
  EXPECT_FALSE(egress[0].matches("ct_state", "+new-est+trk"));
  EXPECT_THAT(egress[0].actions, ElementsAre("goto_table:40"));
  const auto ssh = with(flows(I::kIngressRules), "reg5", "1");
  ASSERT_THAT(ssh, SizeIs(1));
  EXPECT_TRUE(ssh[0].matches("tp_dst", "22"));
  EXPECT_THAT(ssh[0].actions, ElementsAre("output:1"));
  for (const auto& flow : ParsedFlow::parse_all(compile())) {
    if (flow.matches("in_port", "1") || flow.matches("reg5", "1")) {
      EXPECT_EQ(flow.text.find("ct(commit"), std::string::npos) << flow.text;
    }
  }
}

TEST_F(SecurityGroupFlowsTest, StatelessRemoteGroupRulesHaveTheirOwnUntrackedConjunction) {
  b_.security_group("st", {{{"remote_group_id", "g"}}});
  b_.security_group("sl", {{{"remote_group_id", "g"}}});
  b_.set("security_group:sl", "stateful", false);
  port(1, {"st"});
  port(2, {"sl"});
  b_.remote_group("g", {"10.9.9.9"});
  const auto rules = flows(I::kIngressRules);
  const auto member = with(rules, "nw_src", "10.9.9.9");
  ASSERT_THAT(member, SizeIs(1));
  EXPECT_THAT(member[0].actions, SizeIs(2));  // one clause for each conjunction
  const auto stateless = with(rules, "reg5", "2");
  ASSERT_THAT(stateless, SizeIs(1));
  EXPECT_FALSE(stateless[0].matches("ct_state", "+new-est+trk"));
  const std::string clause = stateless[0].actions.at(0);
  const std::string id = clause.substr(12, clause.find(',') - 12);
  const auto accept = with(rules, "conj_id", id);
  ASSERT_THAT(accept, SizeIs(1));
  EXPECT_THAT(accept[0].actions, ElementsAre("output:NXM_NX_REG5[]"));
}

TEST_F(SecurityGroupFlowsTest, APortMixingStatefulAndStatelessGroupsStaysStateful) {
  b_.security_group("st", {kEgressAny4});
  b_.security_group("sl", {kEgressAny4});
  b_.set("security_group:sl", "stateful", false);
  port(1, {"sl", "st"});
  const auto out = with(with(flows(I::kEgressConntrack), "in_port", "1"), "ip", "");
  ASSERT_THAT(out, SizeIs(1));
  EXPECT_THAT(out[0].actions, ElementsAre("ct(table=31,zone=NXM_NX_REG6[0..15])"));
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
