#include "controller/neutron/address_scope_service.hpp"

#include <gtest/gtest.h>

#include "controller/neutron/subnet_pool_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class AddressScopeServiceTest : public testing::ServiceFixture {
 protected:
  Json create_scope(const AuthContext& ctx, Json body) {
    const Json a = address_scope_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return scopes_.create(s, ctx, a); });
  }
  Json update_scope(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = address_scope_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return scopes_.update(s, ctx, id, a); });
  }
  void delete_scope(const AuthContext& ctx, const std::string& id) {
    db().write([&](store::SqlSession& s) { scopes_.remove(s, ctx, id); });
  }
  Json create_pool(const AuthContext& ctx, Json body) {
    const Json a = subnet_pool_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return pools_.create(s, ctx, a); });
  }
  Json update_pool(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = subnet_pool_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return pools_.update(s, ctx, id, a); });
  }

  AddressScopeService scopes_;
  SubnetPoolService pools_;
};

TEST_F(AddressScopeServiceTest, CreateShowUpdateAndVisibility) {
  const Json scope = create_scope(alice_, {{"name", "s"}, {"ip_version", 4}});
  EXPECT_EQ(scope["ip_version"], 4);
  EXPECT_EQ(scope["shared"], false);
  EXPECT_EQ(scope["project_id"], "alice-project");
  EXPECT_EQ(update_scope(alice_, scope["id"], {{"name", "t"}})["name"], "t");
  EXPECT_EQ(refusal([&] {
              update_scope(bob_, scope["id"], {{"name", "x"}});
            }),
            Refusal(404, "AddressScopeNotFound"));
  EXPECT_EQ(refusal([&] {
              update_scope(alice_, scope["id"], {{"shared", true}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] {
              create_scope(alice_, {{"ip_version", 5}});
            }),
            Refusal(400, "HTTPBadRequest"));
  const Json shared = create_scope(admin_, {{"ip_version", 4}, {"shared", true}});
  EXPECT_EQ(refusal([&] {
              update_scope(admin_, shared["id"], {{"shared", false}});
            }),
            Refusal(400, "AddressScopeUpdateError"));
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return scopes_.list(s, bob_); }).size(), 1u);
}

TEST_F(AddressScopeServiceTest, PoolsInOneScopeNeverOverlap) {
  const std::string scope = create_scope(alice_, {{"ip_version", 4}})["id"];
  const std::string first =
      create_pool(alice_, {{"prefixes", {"20.0.0.0/18"}}, {"address_scope_id", scope}})["id"];
  EXPECT_EQ(refusal([&] {
              create_pool(alice_, {{"prefixes", {"20.0.0.0/24"}}, {"address_scope_id", scope}});
            }),
            Refusal(409, "AddressScopePrefixConflict"));
  const std::string second =
      create_pool(alice_, {{"prefixes", {"20.10.0.0/24"}}, {"address_scope_id", scope}})["id"];
  EXPECT_EQ(refusal([&] {
              update_pool(alice_, first, {{"prefixes", {"20.0.0.0/12"}}});
            }),
            Refusal(409, "AddressScopePrefixConflict"));
  // Outside any scope the same prefixes are fine.
  create_pool(alice_, {{"prefixes", {"20.0.0.0/18"}}});
  EXPECT_EQ(refusal([&] { delete_scope(alice_, scope); }), Refusal(409, "AddressScopeInUse"));
  update_pool(alice_, first, {{"address_scope_id", nullptr}});
  update_pool(alice_, second, {{"address_scope_id", nullptr}});
  delete_scope(alice_, scope);
  EXPECT_EQ(count("SELECT COUNT(*) FROM address_scopes"), 0);
}

TEST_F(AddressScopeServiceTest, PoolsJoinOnlyScopesTheyMayUse) {
  const std::string v6 = create_scope(alice_, {{"ip_version", 6}})["id"];
  const std::string admins = create_scope(admin_, {{"ip_version", 4}})["id"];
  const std::string shared = create_scope(admin_, {{"ip_version", 4}, {"shared", true}})["id"];
  const Json v4 = {{"prefixes", {"10.0.0.0/16"}}};
  auto in_scope = [&](const std::string& scope) {
    Json body = v4;
    body["address_scope_id"] = scope;
    return refusal([&] { create_pool(alice_, body); });
  };
  EXPECT_EQ(in_scope(v6), Refusal(400, "IllegalSubnetPoolIpVersionAssociationToAddressScope"));
  EXPECT_EQ(in_scope(admins), Refusal(404, "AddressScopeNotFound"));
  EXPECT_EQ(in_scope(random::uuid4()), Refusal(404, "AddressScopeNotFound"));
  EXPECT_EQ(in_scope("not-a-uuid"), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnetpools"), 0);
  // A scope shared with the project may hold its pools (rbac-address-scope, Neutron since
  // Ussuri); then only the scope's owner or an admin changes them.
  EXPECT_EQ(in_scope(shared), Refusal(0, ""));
  const std::string pool =
      db().read([&](store::SqlSession& s) { return s.query("SELECT id FROM subnetpools"); })[0]
          .text(0);
  EXPECT_EQ(refusal([&] {
              update_pool(alice_, pool, {{"prefixes", {"10.0.0.0/16", "10.9.0.0/16"}}});
            }),
            Refusal(400, "IllegalSubnetPoolUpdate"));
  EXPECT_EQ(
      update_pool(admin_, pool, {{"prefixes", {"10.0.0.0/16", "10.9.0.0/16"}}})["prefixes"].size(),
      2u);
}

}  // namespace
}  // namespace neutrino::neutron
