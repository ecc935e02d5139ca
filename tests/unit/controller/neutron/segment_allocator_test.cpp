#include "controller/neutron/segment_allocator.hpp"

#include <gtest/gtest.h>

#include <set>

#include "controller/api/api_error.hpp"
#include "store_fixture.hpp"

namespace neutrino::neutron {
namespace {

using testing::StoreFixture;

TEST(PickFreeIdTest, NeverReturnsTakenIdsAndCoversAllFree) {
  const std::vector<ipam::IdRange> ranges = {{1, 5}, {10, 12}};
  const std::vector<int64_t> taken = {2, 3, 11};
  std::set<int64_t> seen;
  for (int i = 0; i < 2000; ++i) {
    const auto id = pick_free_id(ranges, taken);
    ASSERT_TRUE(id.has_value());
    seen.insert(*id);
  }
  EXPECT_EQ(seen, (std::set<int64_t>{1, 4, 5, 10, 12}));
}

TEST(PickFreeIdTest, OverlappingRangesCountOnceAndExhaustionIsNullopt) {
  EXPECT_FALSE(pick_free_id({{1, 3}, {2, 3}}, {1, 2, 3}).has_value());
  EXPECT_EQ(pick_free_id({{7, 7}}, {}), 7);
}

class SegmentAllocatorTest : public StoreFixture {
 protected:
  // Allocation rows reference a network row, as they do in the service.
  void add_network(const std::string& id) {
    db().write([&](store::SqlSession& s) {
      s.execute(
          "INSERT INTO networks (id, project_id, status, admin_state_up, shared, router_external, "
          "mtu, port_security_enabled, revision_number, created_at, updated_at) "
          "VALUES (?, 'p', 'ACTIVE', 1, 0, 0, 1450, 1, 1, 0, 0)",
          {id});
    });
  }
  Segment allocate(const SegmentAllocator& allocator, const std::string& network,
                   const SegmentRequest& request) {
    add_network(network);
    return db().write(
        [&](store::SqlSession& s) { return allocator.allocate(s, network, request); });
  }
  int status_of(const SegmentAllocator& allocator, const std::string& network,
                const SegmentRequest& request) {
    try {
      allocate(allocator, network, request);
    } catch (const api::ApiError& e) {
      return e.status();
    }
    return 0;
  }
};

TEST_F(SegmentAllocatorTest, TenantNetworksGetDistinctVnisUntilExhausted) {
  NetworkSettings settings;
  settings.vni_ranges = "100:102";
  SegmentAllocator allocator(settings);
  std::set<int64_t> vnis;
  for (int i = 0; i < 3; ++i) {
    const auto segment = allocate(allocator, "net" + std::to_string(i), {});
    EXPECT_EQ(segment.network_type, "vxlan");
    vnis.insert(*segment.segmentation_id);
  }
  EXPECT_EQ(vnis, (std::set<int64_t>{100, 101, 102}));
  EXPECT_EQ(status_of(allocator, "net-extra", {}), 503);
  // Deleting a network frees its VNI through the cascade.
  db().write([](store::SqlSession& s) { s.execute("DELETE FROM networks WHERE id = 'net1'"); });
  EXPECT_TRUE(allocate(allocator, "net-again", {}).segmentation_id.has_value());
}

TEST_F(SegmentAllocatorTest, ProviderVlanFlatAndVxlanRules) {
  NetworkSettings settings;
  settings.network_vlan_ranges = "physnet1:100:101";
  settings.flat_networks = "physnet1";
  SegmentAllocator allocator(settings);
  const auto vlan = allocate(allocator, "v1", {"vlan", "physnet1", std::nullopt});
  EXPECT_EQ(vlan.physical_network, "physnet1");
  EXPECT_GE(*vlan.segmentation_id, 100);
  EXPECT_LE(*vlan.segmentation_id, 101);
  EXPECT_EQ(allocate(allocator, "v2", {"vlan", "physnet1", 2000}).segmentation_id, 2000);
  EXPECT_EQ(status_of(allocator, "v3", {"vlan", "physnet1", 2000}), 409);
  EXPECT_EQ(status_of(allocator, "v4", {"vlan", "physnet9", std::nullopt}), 400);
  EXPECT_EQ(status_of(allocator, "v5", {"vlan", std::nullopt, std::nullopt}), 400);
  EXPECT_EQ(status_of(allocator, "v6", {"vlan", "physnet1", 4095}), 400);
  allocate(allocator, "v7", {"vlan", "physnet1", std::nullopt});
  EXPECT_EQ(status_of(allocator, "v8", {"vlan", "physnet1", std::nullopt}), 503);

  EXPECT_EQ(allocate(allocator, "f1", {"flat", "physnet1", std::nullopt}).network_type, "flat");
  EXPECT_EQ(status_of(allocator, "f2", {"flat", "physnet1", std::nullopt}), 409);
  EXPECT_EQ(status_of(allocator, "f3", {"flat", "physnet2", std::nullopt}), 400);
  EXPECT_EQ(status_of(allocator, "f4", {"flat", "physnet1", 5}), 400);

  EXPECT_EQ(allocate(allocator, "x1", {"vxlan", std::nullopt, 5000}).segmentation_id, 5000);
  EXPECT_EQ(status_of(allocator, "x2", {"vxlan", std::nullopt, 5000}), 409);
  EXPECT_EQ(status_of(allocator, "x3", {"vxlan", std::nullopt, 1 << 24}), 400);
  EXPECT_EQ(status_of(allocator, "g1", {"gre", std::nullopt, std::nullopt}), 400);
}

TEST_F(SegmentAllocatorTest, MtuDependsOnEncapsulation) {
  SegmentAllocator allocator(NetworkSettings{});
  EXPECT_EQ(allocator.max_mtu({"vxlan", std::nullopt, 1}), 1450);
  EXPECT_EQ(allocator.max_mtu({"vlan", "physnet1", 100}), 1500);
  EXPECT_EQ(allocator.max_mtu({"flat", "physnet1", std::nullopt}), 1500);
}

}  // namespace
}  // namespace neutrino::neutron
