#include "controller/neutron/quota_service.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "controller/neutron/quota_resources.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class QuotaServiceTest : public testing::ServiceFixture {
 protected:
  Json limits(const std::string& project) {
    return db().read([&](store::SqlSession& s) { return QuotaService::limits(s, project); });
  }
  Json update(const std::string& project, const Json& quota) {
    return db().write(
        [&](store::SqlSession& s) { return QuotaService::update(s, project, quota); });
  }
  Json details(const std::string& project) {
    return db().read([&](store::SqlSession& s) { return QuotaService::details(s, project); });
  }
  // Creates a network as the API does: the quota check, then the create, in one transaction.
  Json create_counted_network(const AuthContext& ctx) {
    const Json a = network_schema().validate(Json::object(), Operation::kCreate);
    return db().write([&](store::SqlSession& s) {
      QuotaService::enforce(s, "network", ctx.project_id);
      return networks_.create(s, ctx, a);
    });
  }
};

TEST_F(QuotaServiceTest, DefaultsAreNeutrons) {
  const Json expected = {{"network", 100},    {"subnet", 100},        {"subnetpool", -1},
                         {"port", 500},       {"router", 10},         {"floatingip", 50},
                         {"rbac_policy", 10}, {"security_group", 10}, {"security_group_rule", 100}};
  EXPECT_EQ(QuotaService::defaults(), expected);
  EXPECT_EQ(limits("alice-project"), expected);
}

TEST_F(QuotaServiceTest, UpdateSetsOnlyTheNamedLimitsAndResetRestoresDefaults) {
  const Json set = update("alice-project", {{"network", 0}, {"port", "7"}});
  EXPECT_EQ(set["network"], 0);
  EXPECT_EQ(set["port"], 7);
  EXPECT_EQ(set["subnet"], 100);
  EXPECT_EQ(limits("bob-project")["network"], 100);
  update("alice-project", {{"network", 3}});
  EXPECT_EQ(limits("alice-project")["network"], 3);
  const Json listed =
      db().read([](store::SqlSession& s) { return QuotaService::list_non_default(s); });
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["project_id"], "alice-project");
  EXPECT_EQ(listed[0]["tenant_id"], "alice-project");
  EXPECT_EQ(listed[0]["port"], 7);
  db().write([](store::SqlSession& s) { QuotaService::reset(s, "alice-project"); });
  EXPECT_EQ(limits("alice-project"), QuotaService::defaults());
  EXPECT_EQ(refusal([&] {
              db().write([](store::SqlSession& s) { QuotaService::reset(s, "alice-project"); });
            }),
            Refusal(404, "ProjectQuotaNotFound"));
}

TEST_F(QuotaServiceTest, UpdateRefusesBadValuesAndUnknownResourcesChangingNothing) {
  for (const Json& bad : {Json{{"network", -2}}, Json{{"network", "ten"}},
                          Json{{"network", 2147483648LL}}, Json{{"network", 1.5}},
                          Json{{"network", 5}, {"widgets", 1}}, Json{{"check_limit", "maybe"}}}) {
    EXPECT_EQ(refusal([&] { update("alice-project", bad); }), Refusal(400, "HTTPBadRequest"))
        << bad.dump();
  }
  EXPECT_EQ(limits("alice-project"), QuotaService::defaults());
  // -1 is unlimited; project_id echoed by a client is ignored.
  EXPECT_EQ(update("alice-project", {{"network", -1}, {"tenant_id", "alice-project"}})["network"],
            -1);
}

TEST_F(QuotaServiceTest, CheckLimitRefusesALimitBelowUsage) {
  create_network(alice_);
  create_network(alice_);
  EXPECT_EQ(refusal([&] {
              update("alice-project", {{"network", 1}, {"check_limit", true}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(limits("alice-project")["network"], 100);
  EXPECT_EQ(update("alice-project", {{"network", 2}, {"check_limit", true}})["network"], 2);
  // Without check_limit (or with force) Neutron sets it anyway.
  EXPECT_EQ(update("alice-project", {{"network", 1}, {"force", true}})["network"], 1);
}

TEST_F(QuotaServiceTest, EnforceRefusesPastTheLimitWithNeutronsMessage) {
  update("alice-project", {{"network", 1}});
  create_counted_network(alice_);
  try {
    create_counted_network(alice_);
    FAIL() << "second network created past a quota of 1";
  } catch (const api::ApiError& e) {
    EXPECT_EQ(e.status(), 409);
    EXPECT_EQ(e.type(), "OverQuota");
    EXPECT_STREQ(e.what(), "Quota exceeded for resources: ['network'].");
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks WHERE project_id = 'alice-project'"), 1);
  // Another project's limit is its own.
  create_counted_network(bob_);
  create_counted_network(bob_);
}

TEST_F(QuotaServiceTest, ZeroLimitRefusesAndUnlimitedNeverDoes) {
  update("alice-project", {{"security_group", 0}, {"network", -1}});
  EXPECT_EQ(refusal([&] {
              db().write([](store::SqlSession& s) {
                QuotaService::enforce(s, "security_group", "alice-project");
              });
            }),
            Refusal(409, "OverQuota"));
  for (int i = 0; i < 3; ++i) {
    create_counted_network(alice_);
  }
}

TEST_F(QuotaServiceTest, ANewGroupNeedsRoomForItsTwoEgressRules) {
  update("alice-project", {{"security_group_rule", 1}});
  EXPECT_EQ(refusal([&] {
              db().write([](store::SqlSession& s) {
                QuotaService::enforce_create(s, "security_group", "alice-project");
              });
            }),
            Refusal(409, "OverQuota"));
  update("alice-project", {{"security_group_rule", 2}});
  db().write([](store::SqlSession& s) {
    QuotaService::enforce_create(s, "security_group", "alice-project");
  });
}

TEST_F(QuotaServiceTest, DetailsCountTheDefaultSecurityGroupAndItsRules) {
  create_network(alice_);
  create_group(alice_);  // creates the default group first, as Neutron does
  const Json d = details("alice-project");
  EXPECT_EQ(d["network"], Json({{"limit", 100}, {"used", 1}, {"reserved", 0}}));
  EXPECT_EQ(d["security_group"]["used"], 2);
  EXPECT_EQ(d["security_group_rule"]["used"], 6);  // default's 4, the new group's 2 egress
  EXPECT_EQ(d["router"]["used"], 0);
  EXPECT_EQ(d.size(), quota_resources().size());
  EXPECT_EQ(details("bob-project")["security_group"]["used"], 0);
}

TEST_F(QuotaServiceTest, PolicyLetsMembersReadOnlyTheirOwnProject) {
  EXPECT_EQ(refusal([&] { QuotaService::authorize_read(alice_, "alice-project"); }),
            Refusal(0, ""));
  EXPECT_EQ(refusal([&] { QuotaService::authorize_read(alice_, "bob-project"); }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] { QuotaService::authorize_read(admin_, "bob-project"); }), Refusal(0, ""));
  EXPECT_EQ(refusal([&] { QuotaService::authorize_write(alice_, "update_quota"); }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] { QuotaService::authorize_write(admin_, "update_quota"); }),
            Refusal(0, ""));
}

// Eight writers racing past a limit end with exactly the limit, on either store.
TEST_F(QuotaServiceTest, ConcurrentCreatesStopExactlyAtTheLimit) {
  constexpr int kLimit = 5;
  update("alice-project", {{"network", kLimit}});
  std::atomic<int> created{0};
  std::atomic<int> refused{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 8; ++t) {
    writers.emplace_back([&] {
      for (int i = 0; i < 3; ++i) {
        try {
          create_counted_network(alice_);
          ++created;
        } catch (const api::ApiError& e) {
          if (e.type() == "OverQuota") {
            ++refused;
          }
        }
      }
    });
  }
  for (auto& w : writers) {
    w.join();
  }
  EXPECT_EQ(created.load(), kLimit);
  EXPECT_EQ(refused.load(), 24 - kLimit);
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks WHERE project_id = 'alice-project'"), kLimit);
}

}  // namespace
}  // namespace neutrino::neutron
