// multi-provider: networks created with several segments, as ML2 takes and shows them.
#include <gtest/gtest.h>

#include "controller/neutron/network_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class MultiProviderTest : public testing::ServiceFixture {
 protected:
  static Json segment(const std::string& type, Json physnet, Json id) {
    return {{"provider:network_type", type},
            {"provider:physical_network", std::move(physnet)},
            {"provider:segmentation_id", std::move(id)}};
  }
};

TEST_F(MultiProviderTest, SeveralSegmentsAreStoredInOrderAndShownAsSegments) {
  const Json n =
      create_network(admin_, {{"shared", true},
                              {"segments", Json::array({segment("vlan", "physnet1", 150),
                                                        {{"provider:network_type", "vxlan"}}})}});
  ASSERT_TRUE(n.contains("segments")) << n.dump();
  EXPECT_FALSE(n.contains("provider:network_type"));
  ASSERT_EQ(n["segments"].size(), 2u);
  EXPECT_EQ(n["segments"][0], segment("vlan", "physnet1", 150));
  EXPECT_EQ(n["segments"][1]["provider:network_type"], "vxlan");
  EXPECT_GE(n["segments"][1]["provider:segmentation_id"].get<int>(), 1000);
  EXPECT_EQ(n["mtu"], 1450);  // the smallest of its segments'
  EXPECT_EQ(count("SELECT COUNT(*) FROM networksegments"), 2);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_vlan_allocations WHERE vlan_id = 150"), 1);
  // One network however many segments; members see neither form.
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return networks_.list(s, admin_); }).size(), 1u);
  const Json seen =
      db().read([&](store::SqlSession& s) { return networks_.show(s, alice_, n["id"]); });
  EXPECT_FALSE(seen.contains("segments"));
  EXPECT_FALSE(seen.contains("provider:network_type"));
  // Deleting the network frees every segment.
  db().write([&](store::SqlSession& s) { networks_.remove(s, admin_, n["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_vlan_allocations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_vxlan_allocations"), 0);
}

TEST_F(MultiProviderTest, OneSegmentShowsAsProviderAttributes) {
  const Json n =
      create_network(admin_, {{"segments", Json::array({segment("vlan", "physnet1", 160)})}});
  EXPECT_FALSE(n.contains("segments"));
  EXPECT_EQ(n["provider:network_type"], "vlan");
  EXPECT_EQ(n["provider:segmentation_id"], 160);
  const Json tenant = create_network(admin_, {{"segments", Json::array()}});
  EXPECT_EQ(tenant["provider:network_type"], "vxlan");
}

TEST_F(MultiProviderTest, RefusesWhatNeutronRefuses) {
  const Json vlan = segment("vlan", "physnet1", 170);
  EXPECT_EQ(refusal([&] {
              create_network(
                  admin_, {{"provider:network_type", "vxlan"}, {"segments", Json::array({vlan})}});
            }),
            Refusal(400, "SegmentsSetInConjunctionWithProviders"));
  EXPECT_EQ(refusal([&] {
              create_network(admin_, {{"segments", Json::array({vlan, vlan})}});
            }),
            Refusal(400, "SegmentsContainDuplicateEntry"));
  EXPECT_EQ(refusal([&] {
              create_network(admin_, {{"segments", Json::array({{{"mtu", 1}}})}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"segments", Json::array({vlan})}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  // A segment taken already refuses the whole network.
  create_network(admin_, {{"segments", Json::array({vlan})}});
  EXPECT_NE(refusal([&] {
              create_network(admin_,
                             {{"segments", Json::array({segment("vxlan", nullptr, 1500), vlan})}});
            }).first,
            0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_vxlan_allocations WHERE vxlan_vni = 1500"), 0);
  const std::string id = db().read(
      [&](store::SqlSession& s) { return s.query("SELECT id FROM networks")[0].text(0); });
  EXPECT_EQ(refusal([&] {
              const Json a = network_schema().validate({{"segments", Json::array({vlan})}},
                                                       Operation::kUpdate);
              db().write([&](store::SqlSession& s) { networks_.update(s, admin_, id, a); });
            }),
            Refusal(400, "InvalidInput"));
}

}  // namespace
}  // namespace neutrino::neutron
