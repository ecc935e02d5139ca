#include "controller/identity/token_service.hpp"

#include <gtest/gtest.h>

#include "controller/api/api_error.hpp"
#include "controller/identity/assignment_store.hpp"
#include "controller/identity/bootstrap.hpp"
#include "controller/identity/project_store.hpp"
#include "controller/identity/role_store.hpp"
#include "controller/identity/user_store.hpp"
#include "tests/unit/controller/identity/temp_store.hpp"

namespace neutrino::identity {
namespace {

class TokenServiceTest : public ::testing::Test {
 protected:
  TokenServiceTest() {
    bootstrap(store_.db(), hasher_, "adminpw");
    admin_ = *users_.find_by_name(kDefaultDomainId, "admin");
    admin_project_ = *projects_.find_by_name(kDefaultDomainId, "admin");
  }

  testing::TempStore store_;
  PasswordHasher hasher_{ScryptCost{4, 8, 1}};
  int64_t now_ = 1'700'000'000;
  TokenService tokens_{store_.db(), TokenOptions{100, [this] { return now_; }, 60}};
  UserStore users_{store_.db(), hasher_};
  ProjectStore projects_{store_.db()};
  RoleStore roles_{store_.db()};
  AssignmentStore assignments_{store_.db()};
  User admin_;
  Project admin_project_;
};

TEST_F(TokenServiceTest, IssuesOpaqueTokensAndStoresOnlyTheirDigest) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  EXPECT_EQ(issued.token.size(), 43u);
  EXPECT_EQ(issued.token.find_first_of("+/="), std::string::npos);
  const auto rows = store_.db().read(
      [](store::SqlSession& s) { return s.query("SELECT token_hash FROM tokens"); });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), TokenService::digest(issued.token));
  EXPECT_NE(rows[0].text(0), issued.token);
}

TEST_F(TokenServiceTest, ValidatesWithRolesOfTheProject) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  const auto context = tokens_.validate(issued.token);
  ASSERT_TRUE(context.has_value());
  EXPECT_EQ(context->user_id, admin_.id);
  EXPECT_EQ(context->user_name, "admin");
  EXPECT_EQ(context->project_id, admin_project_.id);
  EXPECT_EQ(context->project_name, "admin");
  EXPECT_EQ(context->user_domain_id, "default");
  EXPECT_TRUE(context->is_admin());
  EXPECT_EQ(context->expires_at, now_ + 100);
}

TEST_F(TokenServiceTest, UnscopedTokensHaveNoRoles) {
  const auto issued = tokens_.issue(admin_.id, std::nullopt, {"password"});
  const auto context = tokens_.validate(issued.token);
  ASSERT_TRUE(context.has_value());
  EXPECT_TRUE(context->project_id.empty());
  EXPECT_TRUE(context->roles.empty());
}

TEST_F(TokenServiceTest, ExpiresAfterTheTtl) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  now_ += 99;
  EXPECT_TRUE(tokens_.validate(issued.token).has_value());
  now_ += 1;
  EXPECT_FALSE(tokens_.validate(issued.token).has_value());
}

TEST_F(TokenServiceTest, ExpiryCanBeCappedBelowTheTtl) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"token"}, now_ + 10);
  EXPECT_EQ(issued.info.context.expires_at, now_ + 10);
  const auto longer = tokens_.issue(admin_.id, admin_project_.id, {"token"}, now_ + 1000);
  EXPECT_EQ(longer.info.context.expires_at, now_ + 100);
}

TEST_F(TokenServiceTest, RevokedAndUnknownTokensAreInvalid) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  EXPECT_TRUE(tokens_.revoke(issued.token));
  EXPECT_FALSE(tokens_.validate(issued.token).has_value());
  EXPECT_FALSE(tokens_.revoke(issued.token));
  EXPECT_FALSE(tokens_.validate("").has_value());
  EXPECT_FALSE(tokens_.validate(std::string(43, 'A')).has_value());
  EXPECT_FALSE(tokens_.validate("not a token").has_value());
}

TEST_F(TokenServiceTest, RefusesScopeWithoutRoles) {
  const User bob = users_.create(NewUser{"bob", kDefaultDomainId, "pw"});
  EXPECT_THROW(tokens_.issue(bob.id, admin_project_.id, {"password"}), api::ApiError);
  const auto member = roles_.find_by_name("member");
  assignments_.grant(admin_project_.id, bob.id, member->id);
  const auto issued = tokens_.issue(bob.id, admin_project_.id, {"password"});
  const auto context = tokens_.validate(issued.token);
  ASSERT_TRUE(context.has_value());
  EXPECT_FALSE(context->is_admin());
  EXPECT_EQ(context->roles, std::vector<std::string>{"member"});

  // Losing the last role invalidates the scoped token at once.
  assignments_.revoke(admin_project_.id, bob.id, member->id);
  EXPECT_FALSE(tokens_.validate(issued.token).has_value());
}

TEST_F(TokenServiceTest, DisabledUsersAndProjectsInvalidateTokens) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  projects_.update(admin_project_.id, ProjectChanges{std::nullopt, std::nullopt, false});
  EXPECT_FALSE(tokens_.validate(issued.token).has_value());
  EXPECT_THROW(tokens_.issue(admin_.id, admin_project_.id, {"password"}), api::ApiError);

  const auto unscoped = tokens_.issue(admin_.id, std::nullopt, {"password"});
  UserChanges disable;
  disable.enabled = false;
  users_.update(admin_.id, disable);
  EXPECT_FALSE(tokens_.validate(unscoped.token).has_value());
}

TEST_F(TokenServiceTest, PasswordChangeRevokesTokens) {
  const auto issued = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  UserChanges change;
  change.password = "new";
  users_.update(admin_.id, change);
  EXPECT_FALSE(tokens_.validate(issued.token).has_value());
}

TEST_F(TokenServiceTest, PurgesExpiredRows) {
  tokens_.issue(admin_.id, admin_project_.id, {"password"});
  tokens_.issue(admin_.id, admin_project_.id, {"password"});
  now_ += 500;
  const auto live = tokens_.issue(admin_.id, admin_project_.id, {"password"});
  // Issuing purged the two expired rows on the way.
  const auto count = store_.db().read(
      [](store::SqlSession& s) { return s.query("SELECT COUNT(*) FROM tokens")[0].integer(0); });
  EXPECT_EQ(count, 1);
  EXPECT_TRUE(tokens_.validate(live.token).has_value());
  now_ += 500;
  EXPECT_EQ(tokens_.purge_expired(), 1);
}

TEST_F(TokenServiceTest, BootstrapRunsOnce) {
  EXPECT_FALSE(needs_bootstrap(store_.db()));
  EXPECT_FALSE(bootstrap(store_.db(), hasher_, "other"));
  const std::string hash = store_.db().read([&](store::SqlSession& s) {
    return s.query("SELECT password_hash FROM users WHERE id = ?", {admin_.id})[0].text(0);
  });
  EXPECT_TRUE(hasher_.verify("adminpw", hash));
  EXPECT_FALSE(hasher_.verify("other", hash));
  EXPECT_EQ(roles_.list().size(), 3u);
  EXPECT_EQ(assignments_.roles_of(admin_.id, admin_project_.id).front().name, "admin");
}

}  // namespace
}  // namespace neutrino::identity
