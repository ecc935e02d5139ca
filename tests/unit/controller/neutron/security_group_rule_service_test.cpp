#include "controller/neutron/security_group_rule_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SecurityGroupRuleServiceTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    group_ = create_group(alice_, {{"name", "web"}})["id"];
  }
  Json rule(Json extra) {
    Json body = {{"security_group_id", group_}, {"direction", "ingress"}};
    body.update(extra);
    return create_rule(alice_, body);
  }
  Refusal refused(Json extra) {
    return refusal([&] { rule(extra); });
  }
  std::string group_;
};

TEST_F(SecurityGroupRuleServiceTest, TcpRuleWithPrefixShowsNeutronsFields) {
  const Json r = rule({{"protocol", "TCP"},
                       {"port_range_min", 22},
                       {"port_range_max", "22"},
                       {"remote_ip_prefix", "10.0.0.5/24"}});
  EXPECT_EQ(r["protocol"], "tcp");
  EXPECT_EQ(r["port_range_min"], 22);
  EXPECT_EQ(r["port_range_max"], 22);
  EXPECT_EQ(r["ethertype"], "IPv4");
  EXPECT_EQ(r["remote_ip_prefix"], "10.0.0.5/24");
  EXPECT_EQ(r["normalized_cidr"], "10.0.0.0/24");
  EXPECT_EQ(r["description"], "");
  EXPECT_EQ(r["remote_address_group_id"], nullptr);
  EXPECT_EQ(r["project_id"], "alice-project");
  EXPECT_EQ(rule({{"remote_ip_prefix", "10.1.2.3"}})["remote_ip_prefix"], "10.1.2.3/32");
  // The group's revision moves with its rules.
  EXPECT_GT(show_group(alice_, group_)["revision_number"].get<int64_t>(), 1);
}

TEST_F(SecurityGroupRuleServiceTest, DuplicatesAreConflicts) {
  const Json r = rule({{"protocol", "tcp"}, {"port_range_min", 80}, {"port_range_max", 80}});
  // Same rule by number and with the any-address prefix.
  EXPECT_EQ(refused({{"protocol", "6"},
                     {"port_range_min", 80},
                     {"port_range_max", 80},
                     {"remote_ip_prefix", "0.0.0.0/0"}}),
            Refusal(409, "SecurityGroupRuleExists"));
  try {
    rule({{"protocol", 6}, {"port_range_min", 80}, {"port_range_max", 80}});
    FAIL();
  } catch (const api::ApiError& e) {
    EXPECT_EQ(std::string(e.what()),
              "Security group rule already exists. Rule id is " + r["id"].get<std::string>() + ".");
  }
  // The default egress rules exist already.
  EXPECT_EQ(refusal([&] {
              create_rule(alice_, {{"security_group_id", group_}, {"direction", "egress"}});
            }),
            Refusal(409, "SecurityGroupRuleExists"));
  EXPECT_EQ(
      rule({{"protocol", "tcp"}, {"port_range_min", 81}, {"port_range_max", 81}})["port_range_min"],
      81);
}

TEST_F(SecurityGroupRuleServiceTest, IcmpAndIpv6) {
  const Json icmp = rule({{"protocol", "icmp"}, {"port_range_min", 8}, {"port_range_max", 0}});
  EXPECT_EQ(icmp["protocol"], "icmp");
  const Json v6 = rule({{"protocol", "icmp"}, {"ethertype", "ipv6"}});
  EXPECT_EQ(v6["protocol"], "ipv6-icmp");
  EXPECT_EQ(v6["ethertype"], "IPv6");
  EXPECT_EQ(refused({{"protocol", "icmpv6"}, {"ethertype", "IPv6"}}),
            Refusal(409, "SecurityGroupRuleExists"));
  EXPECT_EQ(refused({{"protocol", "ipv6-icmp"}}),
            Refusal(400, "SecurityGroupEthertypeConflictWithProtocol"));
  EXPECT_EQ(refused({{"protocol", "icmp"}, {"port_range_min", 300}}),
            Refusal(400, "SecurityGroupInvalidIcmpValue"));
  EXPECT_EQ(refused({{"protocol", "icmp"}, {"port_range_max", 3}}),
            Refusal(400, "SecurityGroupMissingIcmpType"));
}

TEST_F(SecurityGroupRuleServiceTest, BadInputIsRefusedWithNeutronsTypes) {
  EXPECT_EQ(refused({{"direction", "sideways"}}), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refused({{"protocol", "bogus"}}), Refusal(400, "SecurityGroupRuleInvalidProtocol"));
  EXPECT_EQ(refused({{"protocol", 256}}), Refusal(400, "SecurityGroupRuleInvalidProtocol"));
  EXPECT_EQ(refused({{"protocol", "tcp"}, {"port_range_min", 70000}, {"port_range_max", 70000}}),
            Refusal(400, "SecurityGroupInvalidPortValue"));
  EXPECT_EQ(refused({{"protocol", "tcp"}, {"port_range_min", 90}, {"port_range_max", 80}}),
            Refusal(400, "SecurityGroupInvalidPortRange"));
  EXPECT_EQ(refused({{"protocol", "tcp"}, {"port_range_min", 0}, {"port_range_max", 80}}),
            Refusal(400, "SecurityGroupInvalidPortValue"));
  EXPECT_EQ(refused({{"port_range_min", 80}, {"port_range_max", 80}}),
            Refusal(400, "SecurityGroupProtocolRequiredWithPorts"));
  EXPECT_EQ(refused({{"protocol", "gre"}, {"port_range_min", 80}, {"port_range_max", 80}}),
            Refusal(400, "SecurityGroupInvalidProtocolForPort"));
  EXPECT_EQ(refused({{"ethertype", "IPv5"}}), Refusal(400, "SecurityGroupRuleInvalidEtherType"));
  EXPECT_EQ(refused({{"remote_ip_prefix", "10.0.0.0/33"}}), Refusal(400, "InvalidCIDR"));
  EXPECT_EQ(refused({{"remote_ip_prefix", "2001:db8::/64"}}),
            Refusal(400, "SecurityGroupRuleParameterConflict"));
  EXPECT_EQ(refused({{"remote_ip_prefix", "10.0.0.0/8"}, {"remote_group_id", group_}}),
            Refusal(400, "SecurityGroupMultipleRemoteEntites"));
  EXPECT_EQ(refused({{"remote_group_id", "6a1b9c3e-0000-4000-8000-000000000001"}}),
            Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(
      count("SELECT COUNT(*) FROM securitygrouprules WHERE security_group_id = '" + group_ + "'"),
      2);
}

TEST_F(SecurityGroupRuleServiceTest, IsolationBetweenProjects) {
  const Json r = rule({{"protocol", "udp"}, {"port_range_min", 53}, {"port_range_max", 53}});
  const std::string bob_group = create_group(bob_, {{"name", "b"}})["id"];
  EXPECT_EQ(refusal([&] {
              create_rule(bob_, {{"security_group_id", group_}, {"direction", "ingress"}});
            }),
            Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(refusal([&] {
              rule({{"remote_group_id", bob_group}});
            }),
            Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(
      refusal([&] { db().read([&](store::SqlSession& s) { rules_.show(s, bob_, r["id"]); }); }),
      Refusal(404, "SecurityGroupRuleNotFound"));
  const auto bobs = db().read([&](store::SqlSession& s) { return rules_.list(s, bob_); });
  for (const auto& x : bobs) {
    EXPECT_EQ(x["project_id"], "bob-project");
  }
  db().write([&](store::SqlSession& s) { rules_.remove(s, alice_, r["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygrouprules WHERE id = '" +
                  r["id"].get<std::string>() + "'"),
            0);
}

}  // namespace
}  // namespace neutrino::neutron
