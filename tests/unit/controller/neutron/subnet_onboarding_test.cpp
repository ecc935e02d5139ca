#include "controller/neutron/subnet_onboarding.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SubnetOnboardingTest : public testing::ServiceFixture {
 protected:
  SubnetOnboardingTest() : onboarding_(pools_) {}
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
    pool_id_ = create_pool({"10.20.0.0/16"})["id"];
  }
  Json create_pool(Json prefixes) {
    const Json a = subnet_pool_schema().validate(
        {{"name", "onboard"}, {"prefixes", prefixes}, {"min_prefixlen", "8"}}, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return pools_.create(s, alice_, a); });
  }
  Json subnet(const std::string& cidr, int version = 4) {
    return create_subnet(alice_,
                         {{"network_id", network_id_}, {"ip_version", version}, {"cidr", cidr}});
  }
  Json onboard(const AuthContext& ctx, Json body) {
    return db().write(
        [&](store::SqlSession& s) { return onboarding_.onboard(s, ctx, pool_id_, body); });
  }
  Json pool() {
    return db().read([&](store::SqlSession& s) { return pools_.show(s, alice_, pool_id_); });
  }

  SubnetPoolService pools_;
  SubnetOnboarding onboarding_;
  std::string network_id_;
  std::string pool_id_;
};

TEST_F(SubnetOnboardingTest, SubnetsOfThePoolsVersionJoinThePool) {
  const Json v4 = subnet("192.168.7.0/24");
  const Json v6 = subnet("2001:db8:7::/64", 6);
  const Json result = onboard(alice_, {{"network_id", network_id_}});
  ASSERT_EQ(result.size(), 1u);
  EXPECT_EQ(result[0]["id"], v4["id"]);
  EXPECT_EQ(result[0]["cidr"], "192.168.7.0/24");
  const Json shown =
      db().read([&](store::SqlSession& s) { return subnets_.show(s, alice_, v4["id"]); });
  EXPECT_EQ(shown["subnetpool_id"], pool_id_);
  EXPECT_GT(shown["revision_number"].get<int>(), v4["revision_number"].get<int>());
  EXPECT_EQ(pool()["prefixes"], Json({"10.20.0.0/16", "192.168.7.0/24"}));
  const Json untouched =
      db().read([&](store::SqlSession& s) { return subnets_.show(s, alice_, v6["id"]); });
  EXPECT_TRUE(untouched["subnetpool_id"].is_null());
  // Again: nothing left to onboard.
  EXPECT_EQ(onboard(alice_, {{"network_id", network_id_}}), Json::array());
}

TEST_F(SubnetOnboardingTest, NeutronsChecks) {
  EXPECT_EQ(refusal([&] { onboard(alice_, Json::object()); }), Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] {
              onboard(alice_, {{"network_id", "missing"}});
            }),
            Refusal(404, "NetworkNotFound"));
  // A subnet overlapping one allocated from the pool.
  const Json bob_net = create_network(alice_);
  create_subnet(alice_, {{"network_id", bob_net["id"]},
                         {"ip_version", 4},
                         {"subnetpool_id", pool_id_},
                         {"cidr", "10.20.1.0/24"}});
  subnet("10.20.0.0/20");
  EXPECT_EQ(refusal([&] {
              onboard(alice_, {{"network_id", network_id_}});
            }),
            Refusal(400, "IllegalSubnetPoolUpdate"));
  EXPECT_EQ(pool()["prefixes"], Json({"10.20.0.0/16"}));
  // Another project's network, or pool, is not the caller's to onboard.
  EXPECT_EQ(refusal([&] { onboard(bob_, {{"network_id", network_id_}}); }).first, 404);
  // Not even on a network shared with the caller: the subnets are the owner's.
  const Json shared = create_network(admin_, {{"shared", true}, {"project_id", alice_.project_id}});
  EXPECT_EQ(refusal([&] {
              onboard(bob_, {{"network_id", shared["id"]}});
            }),
            Refusal(403, "NotAuthorized"));
  const Json bobs = create_network(bob_, {{"shared", false}});
  EXPECT_EQ(refusal([&] {
              onboard(bob_, {{"network_id", bobs["id"]}});
            }),
            Refusal(404, "SubnetPoolNotFound"));
}

}  // namespace
}  // namespace neutrino::neutron
