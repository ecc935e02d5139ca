#include "dataplane/pipeline/firewall_rule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dataplane/pipeline/port_range_masks.hpp"
#include "dataplane/pipeline/rule_matches.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

// An ingress IPv4 rule with `fields` as the controller spells it, decoded through the model's
// codec as the agent decodes it.
model::SecurityGroupRule rule(const Json& fields) {
  const auto state = HostStateBuilder().security_group("g", {fields}).state();
  return state.at("security_group:g").at("rules").at(0).get<model::SecurityGroupRule>();
}

TEST(PortRangeMasksTest, SinglePortsBlocksAndTheFullRange) {
  EXPECT_THAT(port_range_masks(22, 22), ElementsAre("22"));
  EXPECT_THAT(port_range_masks(1024, 2047), ElementsAre("0x400/0xfc00"));
  EXPECT_THAT(port_range_masks(0, 65535), ElementsAre("0x0/0x0"));
  EXPECT_THAT(port_range_masks(80, 81), ElementsAre("0x50/0xfffe"));
  EXPECT_THAT(port_range_masks(81, 83), ElementsAre("81", "0x52/0xfffe"));
  EXPECT_THAT(port_range_masks(5, 4), IsEmpty());
  // 1000-1999: 1000-1007, 1008-1023, 1024-1535, 1536-1791, 1792-1919, 1920-1983, 1984-1999
  EXPECT_THAT(port_range_masks(1000, 1999), SizeIs(7));
  EXPECT_THAT(port_range_masks(1, 65535), SizeIs(16));
}

TEST(PortRangeMasksTest, BlocksCoverExactlyTheRange) {
  for (const auto& [min, max] :
       std::vector<std::pair<int, int>>{{1, 65535}, {1000, 1999}, {3, 17}, {65534, 65535}}) {
    std::vector<bool> covered(65536, false);
    for (const auto& block : port_range_masks(min, max)) {
      const auto slash = block.find('/');
      const auto value = std::stoul(block.substr(0, slash), nullptr, 0);
      const auto mask =
          slash == std::string::npos ? 0xffffu : std::stoul(block.substr(slash + 1), nullptr, 0);
      for (unsigned port = 0; port < 65536; ++port) {
        if ((port & mask) == value) {
          EXPECT_FALSE(covered[port]) << port << " twice";
          covered[port] = true;
        }
      }
    }
    for (int port = 0; port < 65536; ++port) {
      EXPECT_EQ(covered[port], port >= min && port <= max) << port;
    }
  }
}

TEST(FirewallRuleTest, ParsesAndNormalisesTheRemotePrefix) {
  const auto parsed = parse_firewall_rule(rule({{"protocol", 6},
                                                {"port_range_min", 22},
                                                {"port_range_max", 22},
                                                {"remote_ip_prefix", "10.0.0.7/24"}}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->remote_prefix, "10.0.0.0/24");
  EXPECT_EQ(parsed->protocol, 6);
  EXPECT_THAT(rule_matches(*parsed),
              ElementsAre(ElementsAre("tcp", "nw_src=10.0.0.0/24", "tp_dst=22")));

  const auto v6 = parse_firewall_rule(rule(
      {{"direction", "egress"}, {"ethertype", "IPv6"}, {"remote_ip_prefix", "2001:db8::1/64"}}));
  ASSERT_TRUE(v6);
  EXPECT_THAT(rule_matches(*v6), ElementsAre(ElementsAre("ipv6", "ipv6_dst=2001:db8::/64")));
}

TEST(FirewallRuleTest, AnyPrefixIsNoPrefix) {
  const auto parsed = parse_firewall_rule(rule({{"remote_ip_prefix", "0.0.0.0/0"}}));
  ASSERT_TRUE(parsed);
  EXPECT_FALSE(parsed->remote_prefix);
  EXPECT_THAT(rule_matches(*parsed), ElementsAre(ElementsAre("ip")));
}

TEST(FirewallRuleTest, MalformedRulesAreRefused) {
  EXPECT_FALSE(parse_firewall_rule(rule({{"direction", "sideways"}})));
  EXPECT_FALSE(parse_firewall_rule(rule({{"ethertype", "IPX"}})));
  EXPECT_FALSE(parse_firewall_rule(rule({{"remote_ip_prefix", "2001:db8::/64"}})));  // IPv4 rule
  EXPECT_FALSE(parse_firewall_rule(rule({{"remote_ip_prefix", "10.0.0.0/33"}})));
  EXPECT_FALSE(parse_firewall_rule(rule({{"protocol", 256}})));
  EXPECT_FALSE(parse_firewall_rule(rule({{"port_range_min", 65536}})));
  EXPECT_FALSE(
      parse_firewall_rule(rule({{"remote_ip_prefix", "10.0.0.0/8"}, {"remote_group_id", "sg"}})));
  // The controller sends numbers: the codec refuses a name, and the model drops its group.
  EXPECT_THROW(rule({{"protocol", "tcp"}}), Json::exception);
}

TEST(FirewallRuleTest, AnAddressGroupIsTheRulesOnlyRemote) {
  const auto parsed = parse_firewall_rule(rule({{"remote_address_group_id", "ag"}}));
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->remote_address_group, "ag");
  EXPECT_FALSE(parsed->remote_group);
  for (const Json& two :
       {Json{{"remote_address_group_id", "ag"}, {"remote_group_id", "sg"}},
        Json{{"remote_address_group_id", "ag"}, {"remote_ip_prefix", "10.0.0.0/8"}}}) {
    EXPECT_FALSE(parse_firewall_rule(rule(two))) << two.dump();
  }
}

TEST(FirewallRuleTest, IcmpTypeAndCode) {
  const auto echo = parse_firewall_rule(rule({{"protocol", 1}, {"port_range_min", 8}}));
  ASSERT_TRUE(echo);
  EXPECT_THAT(rule_matches(*echo), ElementsAre(ElementsAre("icmp", "icmp_type=8")));
  const auto unreachable = parse_firewall_rule(rule(
      {{"ethertype", "IPv6"}, {"protocol", 58}, {"port_range_min", 1}, {"port_range_max", 4}}));
  ASSERT_TRUE(unreachable);
  EXPECT_THAT(rule_matches(*unreachable),
              ElementsAre(ElementsAre("icmp6", "icmp_type=1", "icmp_code=4")));
}

TEST(FirewallRuleTest, PortsOfProtocolsWithoutPortFieldsAreIgnored) {
  const auto gre = parse_firewall_rule(rule({{"protocol", 47}}));
  ASSERT_TRUE(gre);
  EXPECT_THAT(rule_matches(*gre), ElementsAre(ElementsAre("ip,nw_proto=47")));
  const auto dccp =
      parse_firewall_rule(rule({{"protocol", 33}, {"port_range_min", 10}, {"port_range_max", 20}}));
  ASSERT_TRUE(dccp);
  EXPECT_THAT(rule_matches(*dccp), ElementsAre(ElementsAre("ip,nw_proto=33")));
  const auto range = parse_firewall_rule(
      rule({{"protocol", 17}, {"port_range_min", 1000}, {"port_range_max", 1999}}));
  ASSERT_TRUE(range);
  EXPECT_THAT(rule_matches(*range), SizeIs(7));
}

TEST(FirewallRuleTest, PortRulesAreTheUnionOfItsGroupsWithoutDuplicates) {
  model::HostModel state;
  const auto group = [&state](const std::string& id, std::vector<model::SecurityGroupRule> rules) {
    const Json object = model::SecurityGroup{.id = id, .stateful = true, .rules = rules};
    state.apply("security_group:" + id, &object);
  };
  const auto egress = rule({{"direction", "egress"}});
  group("a", {egress, rule({{"protocol", 6}})});
  group("b", {egress, rule({{"direction", "sideways"}})});
  const auto rules =
      port_firewall_rules(state, model::Port{.security_groups = {"a", "b", "not-pushed"}});
  EXPECT_THAT(rules, SizeIs(2));
  EXPECT_THAT(port_firewall_rules(state, model::Port{}), IsEmpty());  // a firewall allowing nothing
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
