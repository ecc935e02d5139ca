#include "pktbench/frame_sizes.hpp"

#include <gtest/gtest.h>

#include <map>

namespace neutrino::pktbench {
namespace {

TEST(FrameSizes, ImixIsSevenFourOne) {
  FrameSizes imix = FrameSizes::imix();
  std::map<std::size_t, int> counts;
  for (std::uint64_t seq = 0; seq < 1200; ++seq)
    ++counts[imix.size_of(seq)];
  EXPECT_EQ(counts[64], 700);
  EXPECT_EQ(counts[594], 400);
  EXPECT_EQ(counts[1518], 100);
  EXPECT_EQ(imix.largest(), 1518u);
  EXPECT_NEAR(imix.mean(), (7 * 64 + 4 * 594 + 1518) / 12.0, 1e-9);
  EXPECT_EQ(imix.label(), "imix");
}

TEST(FrameSizes, ParsesFixedSizesInRange) {
  auto s = FrameSizes::parse("512");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->size_of(0), 512u);
  EXPECT_EQ(s->size_of(77), 512u);
  EXPECT_EQ(s->label(), "512");
  EXPECT_TRUE(FrameSizes::parse("64"));
  EXPECT_TRUE(FrameSizes::parse("1518"));
  EXPECT_FALSE(FrameSizes::parse("63"));
  EXPECT_FALSE(FrameSizes::parse("1519"));
  EXPECT_FALSE(FrameSizes::parse("12x"));
  EXPECT_FALSE(FrameSizes::parse(""));
}

}  // namespace
}  // namespace neutrino::pktbench
