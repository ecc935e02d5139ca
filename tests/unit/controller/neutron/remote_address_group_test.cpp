// security-groups-remote-address-group and rbac-address-group: rules naming an address group,
// the refusals Neutron answers, sharing a group with another project, and the journal entries
// that carry a group's addresses to agents.
#include <gtest/gtest.h>

#include "controller/neutron/address_group_service.hpp"
#include "controller/neutron/rbac_policy_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class RemoteAddressGroupTest : public testing::ServiceFixture {
 protected:
  std::string create_ag(const AuthContext& ctx, Json addresses) {
    const Json a = address_group_schema().validate({{"name", "ag"}, {"addresses", addresses}},
                                                   Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return groups_ag_.create(s, ctx, a); })["id"];
  }
  void delete_ag(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { groups_ag_.remove(s, ctx, id); });
  }
  Json show_ag(const AuthContext& ctx, const std::string& id) {
    return db().read([&](store::SqlSession& s) { return groups_ag_.show(s, ctx, id); });
  }
  std::vector<Json> list_ags(const AuthContext& ctx) {
    return db().read([&](store::SqlSession& s) { return groups_ag_.list(s, ctx); });
  }
  Json add(const AuthContext& ctx, const std::string& id, Json addresses) {
    return db().write([&](store::SqlSession& s) {
      return groups_ag_.add_addresses(s, ctx, id, {{"addresses", addresses}});
    });
  }
  Json share(const std::string& ag, const std::string& target) {
    const Json a = rbac_policy_schema().validate({{"object_type", "address_group"},
                                                  {"object_id", ag},
                                                  {"action", "access_as_shared"},
                                                  {"target_tenant", target}},
                                                 Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return policies_.create(s, admin_, a); });
  }
  void unshare(const std::string& policy) {
    db().write([&](store::SqlSession& s) { policies_.remove(s, admin_, policy); });
  }
  void delete_rule(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { rules_.remove(s, ctx, id); });
  }
  Json ingress_from(const std::string& group, const Json& remote) {
    Json body = {{"security_group_id", group}, {"direction", "ingress"}};
    body.update(remote);
    return body;
  }
  int64_t journal_entries(const std::string& id) {
    return count(
        "SELECT COUNT(*) FROM change_journal WHERE kind = 'address_group' AND "
        "object_id = '" +
        id + "'");
  }

  AddressGroupService groups_ag_;
  RbacObjectTypes types_ = builtin_rbac_object_types();
  RbacPolicyService policies_{types_};
};

TEST_F(RemoteAddressGroupTest, ARuleNamesTheGroupAndShowsIt) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24", "2001:db8::/64"});
  const std::string sg = create_group(alice_)["id"];
  const Json rule = create_rule(alice_, ingress_from(sg, {{"remote_address_group_id", ag}}));
  EXPECT_EQ(rule["remote_address_group_id"], ag);
  EXPECT_EQ(rule["remote_ip_prefix"], nullptr);
  EXPECT_EQ(rule["remote_group_id"], nullptr);
  const Json shown = show_group(alice_, sg);  // a range-for over a temporary's member dangles
  for (const auto& other : shown["security_group_rules"]) {
    if (other["id"] != rule["id"]) {
      EXPECT_EQ(other["remote_address_group_id"], nullptr);
    }
  }
  // The same rule again is a duplicate; from another group it is not.
  EXPECT_EQ(refusal([&] {
              create_rule(alice_, ingress_from(sg, {{"remote_address_group_id", ag}}));
            }),
            Refusal(409, "SecurityGroupRuleExists"));
  const std::string other_ag = create_ag(alice_, {"10.2.0.0/24"});
  EXPECT_EQ(refusal([&] {
              create_rule(alice_, ingress_from(sg, {{"remote_address_group_id", other_ag}}));
            }),
            Refusal(0, ""));
}

TEST_F(RemoteAddressGroupTest, RefusesTwoRemotesAndUnknownGroups) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24"});
  const std::string sg = create_group(alice_)["id"];
  for (const Json& two : {Json{{"remote_address_group_id", ag}, {"remote_ip_prefix", "10.0.0.0/8"}},
                          Json{{"remote_address_group_id", ag}, {"remote_group_id", sg}}}) {
    EXPECT_EQ(refusal([&] { create_rule(alice_, ingress_from(sg, two)); }),
              Refusal(400, "SecurityGroupMultipleRemoteEntites"));
  }
  EXPECT_EQ(refusal([&] {
              create_rule(alice_, ingress_from(sg, {{"remote_address_group_id",
                                                     "00000000-0000-0000-0000-000000000000"}}));
            }),
            Refusal(404, "AddressGroupNotFound"));
  // Another project's group does not exist for bob's rules.
  const std::string bob_sg = create_group(bob_)["id"];
  EXPECT_EQ(refusal([&] {
              create_rule(bob_, ingress_from(bob_sg, {{"remote_address_group_id", ag}}));
            }),
            Refusal(404, "AddressGroupNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygrouprules WHERE remote_address_group_id IS "
                  "NOT NULL"),
            0);
}

TEST_F(RemoteAddressGroupTest, AGroupInUseIsNotDeleted) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24"});
  const std::string sg = create_group(alice_)["id"];
  const Json rule = create_rule(alice_, ingress_from(sg, {{"remote_address_group_id", ag}}));
  EXPECT_EQ(refusal([&] { delete_ag(alice_, ag); }), Refusal(409, "AddressGroupInUse"));
  EXPECT_EQ(show_ag(alice_, ag)["addresses"], Json({"10.1.0.0/24"}));
  delete_rule(alice_, rule["id"]);
  delete_ag(alice_, ag);
  EXPECT_EQ(refusal([&] { show_ag(alice_, ag); }), Refusal(404, "AddressGroupNotFound"));
}

TEST_F(RemoteAddressGroupTest, EveryChangeOfItsAddressesIsJournaled) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24"});
  EXPECT_EQ(journal_entries(ag), 1);
  add(alice_, ag, {"10.3.0.0/24"});
  EXPECT_EQ(journal_entries(ag), 2);
  db().write([&](store::SqlSession& s) {
    return groups_ag_.remove_addresses(s, alice_, ag, {{"addresses", {"10.3.0.0/24"}}});
  });
  EXPECT_EQ(journal_entries(ag), 3);
  delete_ag(alice_, ag);
  EXPECT_EQ(journal_entries(ag), 4);
}

TEST_F(RemoteAddressGroupTest, ASharedGroupIsSeenAndUsedButNotChangedByItsTarget) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24"});
  EXPECT_TRUE(list_ags(bob_).empty());
  const Json policy = share(ag, "bob-project");
  EXPECT_EQ(show_ag(bob_, ag)["addresses"], Json({"10.1.0.0/24"}));
  ASSERT_EQ(list_ags(bob_).size(), 1u);
  EXPECT_EQ(list_ags(bob_)[0]["addresses"], Json({"10.1.0.0/24"}));
  EXPECT_EQ(refusal([&] { add(bob_, ag, {"10.9.0.0/24"}); }), Refusal(404, "AddressGroupNotFound"));
  EXPECT_EQ(refusal([&] { delete_ag(bob_, ag); }), Refusal(404, "AddressGroupNotFound"));

  const std::string bob_sg = create_group(bob_)["id"];
  const Json rule = create_rule(bob_, ingress_from(bob_sg, {{"remote_address_group_id", ag}}));
  EXPECT_EQ(refusal([&] { unshare(policy["id"]); }), Refusal(409, "RbacPolicyInUse"));
  delete_rule(bob_, rule["id"]);
  unshare(policy["id"]);
  EXPECT_EQ(refusal([&] { show_ag(bob_, ag); }), Refusal(404, "AddressGroupNotFound"));
}

TEST_F(RemoteAddressGroupTest, DeletingASharedGroupRemovesItsPolicies) {
  const std::string ag = create_ag(alice_, {"10.1.0.0/24"});
  share(ag, "*");
  EXPECT_EQ(show_ag(bob_, ag)["id"], ag);
  delete_ag(alice_, ag);
  EXPECT_EQ(count("SELECT COUNT(*) FROM rbac_policies WHERE object_id = '" + ag + "'"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
