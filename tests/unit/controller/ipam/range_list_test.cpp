#include "controller/ipam/range_list.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace neutrino::ipam {
namespace {

using Ranges = std::vector<IdRange>;

TEST(IdRangesTest, ParsesRanges) {
  EXPECT_EQ(parse_id_ranges("1:1000,2000:3000"), (Ranges{{1, 1000}, {2000, 3000}}));
  EXPECT_EQ(parse_id_ranges(" 1 : 1000 , 5:5 "), (Ranges{{1, 1000}, {5, 5}}));
  EXPECT_EQ(parse_id_ranges("1:4294967295"), (Ranges{{1, 4294967295u}}));
  EXPECT_TRUE(parse_id_ranges("").empty());
  EXPECT_TRUE(parse_id_ranges("  ").empty());
}

TEST(IdRangesTest, RefusesMalformedRanges) {
  for (const char* bad : {"1000:1", "1", "1:2:3", "a:5", "1:5,", ",1:5", "1:5,,6:7", "-1:5", "+1:5",
                          "1:4294967296", "0:5", "1:", ":5", "1.5:6"}) {
    EXPECT_THROW(parse_id_ranges(bad), std::invalid_argument) << bad;
  }
}

TEST(IdRangesTest, MessageNamesTheItem) {
  try {
    parse_id_ranges("1:10,300:200");
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "invalid range '300:200': the start is above the end");
  }
}

TEST(IdRangesTest, AllowedBoundsAreEnforced) {
  const IdRange vxlan{1, (1u << 24) - 1};
  EXPECT_EQ(parse_id_ranges("1:16777215", vxlan), (Ranges{{1, 16777215}}));
  EXPECT_THROW(parse_id_ranges("1:16777216", vxlan), std::invalid_argument);
}

TEST(VlanRangesTest, ParsesPhysnetsWithAndWithoutRanges) {
  const auto ranges = parse_vlan_ranges("physnet1:100:200,physnet2, physnet1:300:400");
  ASSERT_EQ(ranges.size(), 2u);
  EXPECT_EQ(ranges.at("physnet1"), (Ranges{{100, 200}, {300, 400}}));
  EXPECT_TRUE(ranges.at("physnet2").empty());  // provider networks only
  EXPECT_TRUE(parse_vlan_ranges("").empty());
  EXPECT_EQ(parse_vlan_ranges("p:1:4094").at("p"), (Ranges{{1, 4094}}));
}

TEST(VlanRangesTest, RefusesMalformedEntries) {
  for (const char* bad : {"physnet1:100", "physnet1:200:100", "physnet1:0:10", "physnet1:1:4095",
                          ":100:200", "physnet1:a:b", "physnet1,,physnet2", "physnet1:1:2:3"}) {
    EXPECT_THROW(parse_vlan_ranges(bad), std::invalid_argument) << bad;
  }
}

TEST(NameListTest, ParsesNames) {
  EXPECT_EQ(parse_name_list("physnet1, physnet2"), (std::set<std::string>{"physnet1", "physnet2"}));
  EXPECT_EQ(parse_name_list("*"), (std::set<std::string>{"*"}));
  EXPECT_TRUE(parse_name_list("").empty());
  EXPECT_THROW(parse_name_list("a,,b"), std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::ipam
