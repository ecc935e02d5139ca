#include "controller/neutron/flavor_service.hpp"

#include <gtest/gtest.h>

#include "controller/neutron/flavor_schemas.hpp"
#include "controller/neutron/service_profile_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

class FlavorServiceTest : public testing::ServiceFixture {
 protected:
  Json create_flavor(const AuthContext& ctx, const Json& body) {
    const Json a = flavor_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return flavors_.create(s, ctx, a); });
  }
  Json create_profile(const AuthContext& ctx, const Json& body) {
    const Json a = service_profile_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return profiles_.create(s, ctx, a); });
  }

  ServiceProviders providers_;
  FlavorService flavors_{{"FLAVORS"}};
  ServiceProfileService profiles_{providers_};
};

TEST_F(FlavorServiceTest, AdminCreatesShowsUpdatesAndDeletesAFlavor) {
  const Json flavor = create_flavor(admin_, {{"name", "gold"}, {"service_type", "FLAVORS"}});
  EXPECT_EQ(flavor["name"], "gold");
  EXPECT_EQ(flavor["description"], "");
  EXPECT_EQ(flavor["enabled"], true);
  EXPECT_EQ(flavor["service_profiles"], Json::array());
  const std::string id = flavor["id"];
  // Members read flavors (to choose one) but may not change them.
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return flavors_.show(s, alice_, id); })["name"],
            "gold");
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                return flavors_.update(s, alice_, id, {{"enabled", false}});
              });
            }),
            std::make_pair(403, std::string("PolicyNotAuthorized")));
  const Json updated = db().write([&](store::SqlSession& s) {
    return flavors_.update(s, admin_, id, {{"enabled", false}, {"description", "d"}});
  });
  EXPECT_EQ(updated["enabled"], false);
  EXPECT_EQ(updated["description"], "d");
  db().write([&](store::SqlSession& s) { flavors_.remove(s, admin_, id); });
  EXPECT_EQ(refusal([&] {
              db().read([&](store::SqlSession& s) { return flavors_.show(s, admin_, id); });
            }),
            std::make_pair(404, std::string("FlavorNotFound")));
}

TEST_F(FlavorServiceTest, RefusesWhatNeutronRefuses) {
  EXPECT_EQ(refusal([&] {
              create_flavor(alice_, {{"service_type", "FLAVORS"}});
            }),
            std::make_pair(403, std::string("PolicyNotAuthorized")));
  EXPECT_EQ(refusal([&] {
              create_flavor(admin_, {{"service_type", "LOADBALANCERV2"}});
            }),
            std::make_pair(400, std::string("InvalidFlavorServiceType")));
  EXPECT_EQ(refusal([&] { create_flavor(admin_, {{"name", "no type"}}); }).first, 400);
  EXPECT_EQ(refusal([&] {
              create_flavor(admin_,
                            {{"service_type", "FLAVORS"},
                             {"service_profiles", {"7c4a0a8e-1b0c-4a43-9a7b-0c5d6e7f8a9b"}}});
            }),
            std::make_pair(404, std::string("ServiceProfileNotFound")));
  EXPECT_EQ(refusal([&] {
              create_profile(admin_, {{"description", "empty"}});
            }),
            std::make_pair(400, std::string("ServiceProfileEmpty")));
  EXPECT_EQ(refusal([&] {
              create_profile(admin_, {{"driver", "no.such.Driver"}});
            }),
            std::make_pair(404, std::string("ServiceProfileDriverNotFound")));
  EXPECT_EQ(refusal([&] {
              create_profile(alice_, {{"metainfo", "{}"}});
            }),
            std::make_pair(403, std::string("PolicyNotAuthorized")));
}

TEST_F(FlavorServiceTest, ProfilesAreAdminOnlyAndBindToFlavors) {
  const Json profile = create_profile(admin_, {{"metainfo", "{\"data\": \"value\"}"}});
  EXPECT_EQ(profile["metainfo"], "{\"data\": \"value\"}");
  EXPECT_EQ(profile["driver"], "");
  EXPECT_EQ(profile["enabled"], true);
  const std::string pid = profile["id"];
  EXPECT_TRUE(db().read([&](store::SqlSession& s) { return profiles_.list(s, alice_); }).empty());
  EXPECT_EQ(refusal([&] {
              db().read([&](store::SqlSession& s) { return profiles_.show(s, alice_, pid); });
            }),
            std::make_pair(404, std::string("ServiceProfileNotFound")));

  const std::string fid = create_flavor(admin_, {{"service_type", "FLAVORS"}})["id"];
  const Json bound = db().write([&](store::SqlSession& s) {
    return flavors_.bind(s, admin_, fid, {{"service_profile", {{"id", pid}}}});
  });
  EXPECT_EQ(bound, Json({{"id", pid}}));
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                return flavors_.bind(s, admin_, fid, {{"service_profile", {{"id", pid}}}});
              });
            }),
            std::make_pair(409, std::string("FlavorServiceProfileBindingExists")));
  EXPECT_EQ(db().read([&](store::SqlSession& s) {
    return flavors_.show(s, admin_, fid);
  })["service_profiles"],
            Json::array({pid}));
  // A profile a flavor uses stays.
  EXPECT_EQ(
      refusal([&] { db().write([&](store::SqlSession& s) { profiles_.remove(s, admin_, pid); }); }),
      std::make_pair(409, std::string("ServiceProfileInUse")));
  db().write([&](store::SqlSession& s) { flavors_.unbind(s, admin_, fid, pid); });
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) { flavors_.unbind(s, admin_, fid, pid); });
            }),
            std::make_pair(404, std::string("FlavorServiceProfileBindingNotFound")));
  db().write([&](store::SqlSession& s) { profiles_.remove(s, admin_, pid); });
}

TEST_F(FlavorServiceTest, NextProvidersComeFromTheFirstBoundProfilesDriver) {
  providers_.add({"FLAVORS", "gold-provider", "neutrino.gold.Driver", true});
  const std::string fid = create_flavor(admin_, {{"service_type", "FLAVORS"}})["id"];
  const auto next = [&] {
    return db().read([&](store::SqlSession& s) { return profiles_.next_providers(s, fid); });
  };
  EXPECT_EQ(refusal(next), std::make_pair(404, std::string("FlavorServiceProfileBindingNotFound")));

  const std::string pid = create_profile(admin_, {{"driver", "neutrino.gold.Driver"}})["id"];
  db().write([&](store::SqlSession& s) {
    flavors_.bind(s, admin_, fid, {{"service_profile", {{"id", pid}}}});
  });
  EXPECT_EQ(Json(next()),
            Json::parse(R"([{"driver": "neutrino.gold.Driver", "provider": "gold-provider"}])"));

  db().write([&](store::SqlSession& s) { profiles_.update(s, admin_, pid, {{"enabled", false}}); });
  EXPECT_EQ(refusal(next), std::make_pair(503, std::string("ServiceProfileDisabled")));
}

TEST_F(FlavorServiceTest, NextProvidersNeedAProviderForTheDriver) {
  const std::string fid = create_flavor(admin_, {{"service_type", "FLAVORS"}})["id"];
  const std::string pid = create_profile(admin_, {{"metainfo", "{}"}})["id"];
  db().write([&](store::SqlSession& s) {
    flavors_.bind(s, admin_, fid, {{"service_profile", {{"id", pid}}}});
  });
  EXPECT_EQ(refusal([&] {
              db().read([&](store::SqlSession& s) { return profiles_.next_providers(s, fid); });
            }),
            std::make_pair(404, std::string("ServiceProfileDriverNotFound")));
}

}  // namespace
}  // namespace neutrino::neutron
