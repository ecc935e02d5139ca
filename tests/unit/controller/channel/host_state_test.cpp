// What build_host_state tells an agent about security groups: the groups of its ports, their
// rules in the agent's terms (protocol numbers, normalized prefixes) and the members of the
// groups those rules name as remote.
#include "controller/channel/host_state.hpp"

#include <gtest/gtest.h>

#include "tests/unit/controller/neutron/service_fixture.hpp"

namespace neutrino::neutron {
namespace {

class HostStateSecurityGroupTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
    create_subnet(alice_,
                  {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}});
    create_subnet(alice_,
                  {{"network_id", network_id_}, {"ip_version", 6}, {"cidr", "2001:db8::/64"}});
  }
  Json port_on(const std::string& host, Json extra = Json::object()) {
    Json body = {
        {"network_id", network_id_}, {"project_id", "alice-project"}, {"binding:host_id", host}};
    body.update(extra);
    return create_port(admin_, body);
  }
  channel::HostState state(const std::string& host) {
    return db().read([&](store::SqlSession& s) { return channel::build_host_state(s, host); });
  }
  static std::vector<std::string> addresses(const Json& port) {
    std::vector<std::string> out;
    for (const auto& ip : port["fixed_ips"]) {
      out.push_back(ip["ip_address"]);
    }
    return out;
  }
  std::string network_id_;
};

TEST_F(HostStateSecurityGroupTest, PortsGroupsRulesAndRemoteMembers) {
  const std::string def = default_group(alice_);
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  const Json tcp = create_rule(alice_, {{"security_group_id", web},
                                        {"direction", "ingress"},
                                        {"protocol", "tcp"},
                                        {"port_range_min", 22},
                                        {"port_range_max", 22},
                                        {"remote_ip_prefix", "10.9.0.7/16"}});
  const Json icmp6 = create_rule(alice_, {{"security_group_id", web},
                                          {"direction", "ingress"},
                                          {"protocol", "icmp"},
                                          {"ethertype", "IPv6"}});
  const Json here = port_on("host-a", {{"security_groups", {web, def}}});
  const Json there = port_on("host-b");  // the default group only

  const auto a = state("host-a");
  const Json& port = a.at("port:" + here["id"].get<std::string>());
  std::vector<std::string> sorted = {web, def};
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(port["security_groups"], Json(sorted));

  const Json& group = a.at("security_group:" + web);
  EXPECT_EQ(group["id"], web);
  EXPECT_EQ(group["stateful"], true);
  ASSERT_EQ(group["rules"].size(), 4u);
  for (size_t i = 1; i < group["rules"].size(); ++i) {
    EXPECT_LT(group["rules"][i - 1]["id"].get<std::string>(),
              group["rules"][i]["id"].get<std::string>());
  }
  for (const auto& rule : group["rules"]) {
    EXPECT_EQ(rule.size(), 9u) << rule.dump();
    if (rule["id"] == tcp["id"]) {
      EXPECT_EQ(rule["protocol"], 6);
      EXPECT_EQ(rule["port_range_min"], 22);
      EXPECT_EQ(rule["port_range_max"], 22);
      EXPECT_EQ(rule["remote_ip_prefix"], "10.9.0.0/16");
      EXPECT_EQ(rule["direction"], "ingress");
      EXPECT_EQ(rule["remote_group_id"], nullptr);
      EXPECT_EQ(rule["remote_address_group_id"], nullptr);
    } else if (rule["id"] == icmp6["id"]) {
      EXPECT_EQ(rule["protocol"], 58);
      EXPECT_EQ(rule["ethertype"], "IPv6");
    } else {
      EXPECT_EQ(rule["direction"], "egress");
      EXPECT_EQ(rule["protocol"], nullptr);
      EXPECT_EQ(rule["port_range_min"], nullptr);
      EXPECT_EQ(rule["remote_ip_prefix"], nullptr);
    }
  }
  // The default group names itself as remote: its members on every host.
  ASSERT_TRUE(a.contains("security_group:" + def));
  const Json& remote = a.at("remote_group:" + def);
  std::vector<std::string> members = addresses(here);
  for (const auto& ip : addresses(there)) {
    members.push_back(ip);
  }
  std::sort(members.begin(), members.end());
  EXPECT_EQ(members.size(), 4u);
  EXPECT_EQ(remote["id"], def);
  EXPECT_EQ(remote["addresses"], Json(members));
  EXPECT_FALSE(a.contains("remote_group:" + web));

  // host-b's port has only the default group; web is not pushed there.
  const auto b = state("host-b");
  EXPECT_FALSE(b.contains("security_group:" + web));
  EXPECT_EQ(b.at("remote_group:" + def)["addresses"], Json(members));
}

TEST_F(HostStateSecurityGroupTest, PortsWithoutGroupsListNone) {
  const Json dhcp = port_on("host-a", {{"device_owner", "network:dhcp"}});
  const Json open = port_on("host-a", {{"port_security_enabled", false}});
  const auto a = state("host-a");
  EXPECT_EQ(a.at("port:" + dhcp["id"].get<std::string>())["security_groups"], Json::array());
  EXPECT_EQ(a.at("port:" + open["id"].get<std::string>())["security_groups"], Json::array());
  for (const auto& [key, value] : a) {
    EXPECT_FALSE(key.starts_with("security_group:")) << key;
  }
}

TEST_F(HostStateSecurityGroupTest, RemoteMembershipFollowsPorts) {
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  const std::string db_group = create_group(alice_, {{"name", "db"}})["id"];
  create_rule(
      alice_,
      {{"security_group_id", db_group}, {"direction", "ingress"}, {"remote_group_id", web}});
  port_on("host-a", {{"security_groups", {db_group}}});
  EXPECT_EQ(state("host-a").at("remote_group:" + web)["addresses"], Json::array());
  const Json member = port_on("host-b", {{"security_groups", {web}}});
  auto ips = addresses(member);
  std::sort(ips.begin(), ips.end());
  EXPECT_EQ(state("host-a").at("remote_group:" + web)["addresses"], Json(ips));
  update_port(admin_, member["id"], {{"security_groups", Json::array()}});
  EXPECT_EQ(state("host-a").at("remote_group:" + web)["addresses"], Json::array());
}

TEST_F(HostStateSecurityGroupTest, AStatelessGroupIsPushedStateless) {
  const std::string group = create_group(alice_, {{"name", "sl"}, {"stateful", false}})["id"];
  port_on("host-a", {{"security_groups", {group}}});
  EXPECT_EQ(state("host-a").at("security_group:" + group)["stateful"], false);
}

}  // namespace
}  // namespace neutrino::neutron
