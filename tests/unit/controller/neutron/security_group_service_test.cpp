#include "controller/neutron/security_group_service.hpp"

#include <gtest/gtest.h>

#include <set>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SecurityGroupServiceTest : public testing::ServiceFixture {
 protected:
  static std::set<std::string> shapes(const Json& group) {
    std::set<std::string> out;
    for (const auto& r : group["security_group_rules"]) {
      out.insert(r["direction"].get<std::string>() + " " + r["ethertype"].get<std::string>() +
                 (r["remote_group_id"].is_null()
                      ? ""
                      : " from " + r["remote_group_id"].get<std::string>()));
    }
    return out;
  }
};

TEST_F(SecurityGroupServiceTest, ListCreatesTheProjectsDefaultGroupOnce) {
  const auto first = list_groups(alice_);
  ASSERT_EQ(first.size(), 1u);
  const Json& group = first[0];
  EXPECT_EQ(group["name"], "default");
  EXPECT_EQ(group["description"], "Default security group");
  EXPECT_EQ(group["project_id"], "alice-project");
  EXPECT_EQ(group["stateful"], true);
  EXPECT_EQ(group["shared"], false);
  const std::string id = group["id"];
  EXPECT_EQ(shapes(group),
            (std::set<std::string>{"egress IPv4", "egress IPv6", "ingress IPv4 from " + id,
                                   "ingress IPv6 from " + id}));
  for (const auto& rule : group["security_group_rules"]) {
    EXPECT_TRUE(rule["description"].is_null());
    EXPECT_EQ(rule["revision_number"], 0);
  }
  EXPECT_EQ(list_groups(alice_).size(), 1u);
  EXPECT_EQ(count("SELECT COUNT(*) FROM default_security_group"), 1);
  EXPECT_EQ(default_group(alice_), id);
}

TEST_F(SecurityGroupServiceTest, NewGroupHasEgressRulesAndTheDefaultExists) {
  const Json group = create_group(alice_, {{"name", "web"}, {"description", "d"}});
  EXPECT_EQ(group["name"], "web");
  EXPECT_EQ(group["revision_number"], 1);
  EXPECT_EQ(group["tags"], Json::array());
  EXPECT_EQ(shapes(group), (std::set<std::string>{"egress IPv4", "egress IPv6"}));
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygroups WHERE project_id = 'alice-project'"), 2);
  for (const auto& rule : group["security_group_rules"]) {
    for (const char* key :
         {"id", "tenant_id", "project_id", "security_group_id", "ethertype", "direction",
          "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
          "remote_address_group_id", "normalized_cidr", "remote_group_id", "description", "tags",
          "created_at", "updated_at", "revision_number"}) {
      EXPECT_TRUE(rule.contains(key)) << key;
    }
  }
}

TEST_F(SecurityGroupServiceTest, DefaultNameIsReservedAndDefaultGroupProtected) {
  EXPECT_EQ(refusal([&] {
              create_group(alice_, {{"name", "Default"}});
            }),
            Refusal(409, "SecurityGroupDefaultAlreadyExists"));
  const std::string id = default_group(alice_);
  EXPECT_EQ(refusal([&] {
              update_group(alice_, id, {{"name", "other"}});
            }),
            Refusal(409, "SecurityGroupCannotUpdateDefault"));
  EXPECT_EQ(update_group(alice_, id, {{"description", "mine"}})["description"], "mine");
  EXPECT_EQ(refusal([&] { delete_group(alice_, id); }),
            Refusal(409, "SecurityGroupCannotRemoveDefault"));
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  EXPECT_EQ(refusal([&] {
              update_group(alice_, web, {{"name", "default"}});
            }),
            Refusal(409, "SecurityGroupDefaultAlreadyExists"));
  // An admin may delete it; the project gets a new one on next use.
  delete_group(admin_, id);
  EXPECT_EQ(count("SELECT COUNT(*) FROM default_security_group"), 0);
  EXPECT_NE(default_group(alice_), id);
}

TEST_F(SecurityGroupServiceTest, OtherProjectsGroupsAreMissing) {
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  EXPECT_EQ(refusal([&] { show_group(bob_, web); }), Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(refusal([&] {
              update_group(bob_, web, {{"name", "x"}});
            }),
            Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(refusal([&] { delete_group(bob_, web); }), Refusal(404, "SecurityGroupNotFound"));
  for (const auto& g : list_groups(bob_)) {
    EXPECT_EQ(g["project_id"], "bob-project");
  }
  EXPECT_EQ(show_group(admin_, web)["name"], "web");
  // Naming another project needs admin (400, as Neutron); a member may not create a default for
  // another.
  EXPECT_EQ(refusal([&] {
              create_group(bob_, {{"name", "x"}, {"project_id", "alice-project"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_FALSE(db().write([&](store::SqlSession& s) {
                     return SecurityGroupService::ensure_default(s, bob_, "carol-project");
                   })
                   .has_value());
}

TEST_F(SecurityGroupServiceTest, DeleteCascadesRulesAndRemoteRules) {
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  const std::string db_group = create_group(alice_, {{"name", "db"}})["id"];
  create_rule(
      alice_,
      {{"security_group_id", db_group}, {"direction", "ingress"}, {"remote_group_id", web}});
  const int64_t before = show_group(alice_, db_group)["revision_number"];
  delete_group(alice_, web);
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygrouprules WHERE security_group_id = '" + web +
                  "' OR remote_group_id = '" + web + "'"),
            0);
  const Json after = show_group(alice_, db_group);
  EXPECT_EQ(after["security_group_rules"].size(), 2u);
  EXPECT_GT(after["revision_number"].get<int64_t>(), before);
}

TEST_F(SecurityGroupServiceTest, AGroupIsStatefulUnlessCreatedOrUpdatedStateless) {
  const Json stateless = create_group(alice_, {{"name", "x"}, {"stateful", false}});
  EXPECT_EQ(stateless["stateful"], false);
  EXPECT_EQ(show_group(alice_, stateless["id"])["stateful"], false);
  const Json plain = create_group(alice_, {{"name", "y"}});
  EXPECT_EQ(plain["stateful"], true);
  EXPECT_EQ(update_group(alice_, plain["id"], {{"stateful", "false"}})["stateful"], false);
  EXPECT_EQ(refusal([&] {
              create_group(alice_, {{"stateful", "maybe"}});
            }),
            Refusal(400, "InvalidInput"));
}

TEST_F(SecurityGroupServiceTest, AGroupInUseKeepsItsStatefulness) {
  const Json network = create_network(alice_);
  create_subnet(alice_,
                {{"network_id", network["id"]}, {"cidr", "10.0.0.0/24"}, {"ip_version", 4}});
  const std::string group = create_group(alice_, {{"name", "g"}})["id"];
  create_port(alice_, {{"network_id", network["id"]}, {"security_groups", {group}}});
  EXPECT_EQ(refusal([&] {
              update_group(alice_, group, {{"stateful", false}});
            }),
            Refusal(409, "SecurityGroupInUse"));
  // Naming the value it already has is no change.
  EXPECT_EQ(update_group(alice_, group, {{"stateful", true}, {"name", "h"}})["name"], "h");
}

TEST_F(SecurityGroupServiceTest, APortTakesStatefulOrStatelessGroupsNotBoth) {
  const Json network = create_network(alice_);
  create_subnet(alice_,
                {{"network_id", network["id"]}, {"cidr", "10.0.0.0/24"}, {"ip_version", 4}});
  const std::string stateful = create_group(alice_, {{"name", "a"}})["id"];
  const std::string stateless = create_group(alice_, {{"name", "b"}, {"stateful", false}})["id"];
  EXPECT_EQ(refusal([&] {
              create_port(alice_, {{"network_id", network["id"]},
                                   {"security_groups", {stateful, stateless}}});
            }),
            Refusal(409, "SecurityGroupConflict"));
  const Json port =
      create_port(alice_, {{"network_id", network["id"]}, {"security_groups", {stateless}}});
  EXPECT_EQ(refusal([&] {
              update_port(alice_, port["id"], {{"security_groups", {stateless, stateful}}});
            }),
            Refusal(409, "SecurityGroupConflict"));
  EXPECT_EQ(update_port(alice_, port["id"], {{"security_groups", {stateful}}})["security_groups"],
            Json::array({stateful}));
}

}  // namespace
}  // namespace neutrino::neutron
