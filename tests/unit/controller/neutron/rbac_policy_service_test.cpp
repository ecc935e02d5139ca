#include "controller/neutron/rbac_policy_service.hpp"

#include <gtest/gtest.h>

#include "l3_fixture.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class RbacPolicyServiceTest : public testing::ServiceFixture {
 protected:
  RbacPolicyServiceTest() { carol_.project_id = "carol-project", carol_.roles = {"member"}; }

  Json share(const AuthContext& ctx, const std::string& type, const std::string& object,
             const std::string& target, const std::string& action = "access_as_shared") {
    const Json a = rbac_policy_schema().validate({{"object_type", type},
                                                  {"object_id", object},
                                                  {"action", action},
                                                  {"target_tenant", target}},
                                                 Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return policies_.create(s, ctx, a); });
  }
  Json retarget(const AuthContext& ctx, const std::string& id, const std::string& target) {
    const Json a = rbac_policy_schema().validate({{"target_tenant", target}}, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return policies_.update(s, ctx, id, a); });
  }
  void unshare(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { policies_.remove(s, ctx, id); });
  }
  std::vector<Json> policies(const AuthContext& ctx) {
    return db().read([&](store::SqlSession& s) { return policies_.list(s, ctx); });
  }
  Json show_network(const AuthContext& ctx, const std::string& id) {
    return db().read([&](store::SqlSession& s) { return networks_.show(s, ctx, id); });
  }
  std::vector<Json> networks(const AuthContext& ctx) {
    return db().read([&](store::SqlSession& s) { return networks_.list(s, ctx); });
  }
  Json update_network(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = network_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return networks_.update(s, ctx, id, a); });
  }
  void delete_port(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { ports_.remove(s, ctx, id); });
  }
  int64_t wildcards(const std::string& object, const std::string& action) {
    return count("SELECT COUNT(*) FROM rbac_policies WHERE object_id = '" + object +
                 "' AND action = '" + action + "' AND target_project = '*'");
  }

  AuthContext carol_;
  RbacObjectTypes types_ = builtin_rbac_object_types();
  RbacPolicyService policies_{types_};
};

TEST_F(RbacPolicyServiceTest, NetworkSharedWithOneProjectOnly) {
  const Json net = create_network(alice_);
  const std::string id = net["id"];
  EXPECT_EQ(refusal([&] { show_network(bob_, id); }), Refusal(404, "NetworkNotFound"));
  const int64_t revision = net["revision_number"];
  const Json policy = share(alice_, "network", id, "bob-project");
  EXPECT_EQ(policy["target_tenant"], "bob-project");
  EXPECT_EQ(policy["project_id"], "alice-project");
  EXPECT_EQ(show_network(bob_, id)["shared"], true);
  EXPECT_GT(show_network(alice_, id)["revision_number"].get<int64_t>(), revision);
  EXPECT_EQ(show_network(alice_, id)["shared"], false);  // not shared with its owner
  EXPECT_EQ(refusal([&] { show_network(carol_, id); }), Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(networks(bob_).size(), 1u);
  EXPECT_TRUE(networks(carol_).empty());
  // The target may use it, but neither sees nor changes the policy.
  create_subnet(alice_, {{"network_id", id}, {"ip_version", 4}, {"cidr", "10.9.0.0/24"}});
  const Json port = create_port(bob_, {{"network_id", id}});
  EXPECT_TRUE(policies(bob_).empty());
  EXPECT_EQ(policies(alice_).size(), 1u);
  EXPECT_EQ(refusal([&] { unshare(bob_, policy["id"]); }), Refusal(404, "RbacPolicyNotFound"));
  // Bob's port depends on the grant: neither removed nor moved to carol.
  EXPECT_EQ(refusal([&] { unshare(alice_, policy["id"]); }), Refusal(409, "RbacPolicyInUse"));
  EXPECT_EQ(refusal([&] { retarget(alice_, policy["id"], "carol-project"); }),
            Refusal(409, "RbacPolicyInUse"));
  // A wildcard covers bob, so the targeted grant may go.
  const Json wildcard = share(admin_, "network", id, "*");
  EXPECT_EQ(refusal([&] { unshare(alice_, policy["id"]); }), Refusal(0, ""));
  EXPECT_EQ(refusal([&] { unshare(admin_, wildcard["id"]); }), Refusal(409, "RbacPolicyInUse"));
  delete_port(bob_, port["id"]);
  EXPECT_EQ(refusal([&] { unshare(admin_, wildcard["id"]); }), Refusal(0, ""));
  EXPECT_EQ(refusal([&] { show_network(bob_, id); }), Refusal(404, "NetworkNotFound"));
}

TEST_F(RbacPolicyServiceTest, RefusesWhatNeutronRefuses) {
  const std::string mine = create_network(alice_)["id"];
  const std::string admins = create_network(admin_)["id"];
  EXPECT_EQ(refusal([&] { share(alice_, "network", mine, "*"); }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] { share(alice_, "network", admins, "alice-project"); }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { share(alice_, "widget", mine, "bob-project"); }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { share(admin_, "network", "9b1c2d3e-0000-4000-8000-000000000000", "x"); }),
            Refusal(404, "NetworkNotFound"));
  const std::string group = create_group(alice_)["id"];
  EXPECT_EQ(refusal([&] { share(alice_, "security_group", group, "x", "access_as_external"); }),
            Refusal(400, "InvalidActionForType"));
  const Json policy = share(alice_, "network", mine, "bob-project");
  EXPECT_EQ(refusal([&] { share(alice_, "network", mine, "bob-project"); }),
            Refusal(409, "DuplicateRbacPolicy"));
  EXPECT_EQ(refusal([&] { retarget(alice_, policy["id"], "*"); }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] {
              rbac_policy_schema().validate({{"object_type", "network"},
                                             {"object_id", mine},
                                             {"action", "access_as_shared"},
                                             {"target_tenant", std::string(400, 'a')}},
                                            Operation::kCreate);
            }),
            Refusal(400, "HTTPBadRequest"));
  // Deleting the network takes its policies along.
  db().write([&](store::SqlSession& s) { networks_.remove(s, alice_, mine); });
  EXPECT_TRUE(policies(alice_).empty());
}

TEST_F(RbacPolicyServiceTest, SharedAttributeIsTheWildcardPolicy) {
  const std::string id = create_network(admin_, {{"shared", true}})["id"];
  EXPECT_EQ(wildcards(id, "access_as_shared"), 1);
  EXPECT_EQ(show_network(bob_, id)["shared"], true);
  create_subnet(admin_, {{"network_id", id}, {"ip_version", 4}, {"cidr", "10.8.0.0/24"}});
  const Json port = create_port(bob_, {{"network_id", id}});
  EXPECT_EQ(refusal([&] {
              update_network(admin_, id, {{"shared", false}});
            }),
            Refusal(409, "InvalidSharedSetting"));
  share(admin_, "network", id, "bob-project");  // bob keeps his access without the wildcard
  EXPECT_EQ(update_network(admin_, id, {{"shared", false}})["shared"], false);
  EXPECT_EQ(wildcards(id, "access_as_shared"), 0);
  EXPECT_EQ(show_network(bob_, id)["shared"], true);
  EXPECT_EQ(count("SELECT shared FROM networks WHERE id = '" + id + "'"), 0);
  delete_port(bob_, port["id"]);
}

TEST_F(RbacPolicyServiceTest, ExternalFollowsAccessAsExternalPolicies) {
  const std::string id = create_network(admin_)["id"];
  EXPECT_EQ(show_network(admin_, id)["router:external"], false);
  const Json to_bob = share(admin_, "network", id, "bob-project", "access_as_external");
  EXPECT_EQ(show_network(admin_, id)["router:external"], true);
  EXPECT_EQ(show_network(bob_, id)["shared"], false);  // seen, not shared
  EXPECT_EQ(refusal([&] { show_network(carol_, id); }), Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(refusal([&] {
              create_port(bob_, {{"network_id", id}});
            }),
            Refusal(404, "NetworkNotFound"));
  unshare(admin_, to_bob["id"]);
  EXPECT_EQ(show_network(admin_, id)["router:external"], false);
  update_network(admin_, id, {{"router:external", true}});
  EXPECT_EQ(wildcards(id, "access_as_external"), 1);
  EXPECT_EQ(show_network(carol_, id)["router:external"], true);
  update_network(admin_, id, {{"router:external", false}});
  EXPECT_EQ(wildcards(id, "access_as_external"), 0);
}

TEST_F(RbacPolicyServiceTest, SecurityGroupSharedWithAProject) {
  const std::string group = create_group(admin_, {{"name", "shared-sg"}})["id"];
  EXPECT_EQ(refusal([&] { show_group(bob_, group); }), Refusal(404, "SecurityGroupNotFound"));
  const Json policy = share(admin_, "security_group", group, "bob-project");
  EXPECT_EQ(show_group(bob_, group)["shared"], true);
  EXPECT_EQ(refusal([&] {
              update_group(bob_, group, {{"name", "x"}});
            }),
            Refusal(404, "SecurityGroupNotFound"));
  const std::string net = create_network(bob_)["id"];
  create_subnet(bob_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.7.0.0/24"}});
  const Json port = create_port(bob_, {{"network_id", net}, {"security_groups", {group}}});
  EXPECT_EQ(port["security_groups"], Json::array({group}));
  EXPECT_EQ(refusal([&] { unshare(admin_, policy["id"]); }), Refusal(409, "RbacPolicyInUse"));
  delete_port(bob_, port["id"]);
  unshare(admin_, policy["id"]);
  EXPECT_EQ(refusal([&] { show_group(bob_, group); }), Refusal(404, "SecurityGroupNotFound"));
}

// access_as_external grants that other projects' router gateways depend on.
class RbacExternalGatewayTest : public testing::L3Fixture {
 protected:
  Json grant(const std::string& network, const std::string& target) {
    const Json a = rbac_policy_schema().validate({{"object_type", "network"},
                                                  {"object_id", network},
                                                  {"action", "access_as_external"},
                                                  {"target_tenant", target}},
                                                 Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return policies_.create(s, admin_, a); });
  }
  Refusal retarget(const Json& policy, const std::string& target) {
    const Json a = rbac_policy_schema().validate({{"target_tenant", target}}, Operation::kUpdate);
    return refusal([&] {
      db().write([&](store::SqlSession& s) { policies_.update(s, admin_, policy["id"], a); });
    });
  }
  Refusal revoke(const Json& policy) {
    return refusal([&] {
      db().write([&](store::SqlSession& s) { policies_.remove(s, admin_, policy["id"]); });
    });
  }
  int64_t targets(const std::string& network, const std::string& target) {
    return count("SELECT COUNT(*) FROM rbac_policies WHERE object_id = '" + network +
                 "' AND target_project = '" + target + "'");
  }

  RbacObjectTypes types_ = builtin_rbac_object_types();
  RbacPolicyService policies_{types_};
};

TEST_F(RbacExternalGatewayTest, AGatewayKeepsTheGrantItsProjectNeeds) {
  const std::string net = create_network(admin_)["id"];
  create_subnet(admin_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "203.0.113.0/28"}});
  const Json wildcard = grant(net, "*");
  const Json router = create_router(bob_, {{"external_gateway_info", {{"network_id", net}}}});
  EXPECT_EQ(revoke(wildcard), Refusal(409, "RbacPolicyInUse"));
  EXPECT_EQ(targets(net, "*"), 1);
  const Json own = grant(net, bob_.project_id);
  EXPECT_EQ(revoke(wildcard), Refusal(0, ""));
  EXPECT_EQ(revoke(own), Refusal(409, "RbacPolicyInUse"));
  EXPECT_EQ(retarget(own, alice_.project_id), Refusal(409, "RbacPolicyInUse"));
  EXPECT_EQ(targets(net, bob_.project_id), 1);
  update_router(bob_, router["id"], {{"external_gateway_info", nullptr}});
  EXPECT_EQ(revoke(own), Refusal(0, ""));
}

TEST_F(RbacExternalGatewayTest, AWildcardMayNarrowToTheOnlyProjectUsingIt) {
  const std::string net = create_network(admin_)["id"];
  create_subnet(admin_, {{"network_id", net}, {"ip_version", 4}, {"cidr", "203.0.113.0/28"}});
  const Json wildcard = grant(net, "*");
  create_router(bob_, {{"external_gateway_info", {{"network_id", net}}}});
  EXPECT_EQ(retarget(wildcard, alice_.project_id), Refusal(409, "RbacPolicyInUse"));
  EXPECT_EQ(targets(net, "*"), 1);
  EXPECT_EQ(retarget(wildcard, bob_.project_id), Refusal(0, ""));
  EXPECT_EQ(targets(net, bob_.project_id), 1);
}

}  // namespace
}  // namespace neutrino::neutron
