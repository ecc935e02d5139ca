#include "pktbench/receive_stats.hpp"

#include <gtest/gtest.h>

namespace neutrino::pktbench {
namespace {

void receive(ReceiveStats& stats, std::uint64_t seq, std::uint64_t latency_ns = 1000) {
  stats.record(Probe{seq, 1'000'000}, 1'000'000 + latency_ns, 64);
}

TEST(ReceiveStats, CountsLossAgainstSent) {
  ReceiveStats stats;
  for (std::uint64_t seq : {0, 1, 2, 4, 7})
    receive(stats, seq);
  EXPECT_EQ(stats.received(), 5u);
  EXPECT_EQ(stats.received_bytes(), 5u * 64);
  EXPECT_EQ(stats.lost(8), 3u);
  EXPECT_EQ(stats.reordered(), 0u);  // gaps are loss, not reordering
  EXPECT_EQ(stats.lost(3), 0u);      // never negative
}

TEST(ReceiveStats, LateArrivalsAreReorderedNotLost) {
  ReceiveStats stats;
  for (std::uint64_t seq : {0, 2, 3, 1, 5, 4, 6})
    receive(stats, seq);
  EXPECT_EQ(stats.reordered(), 2u);  // 1 after 3, 4 after 5
  EXPECT_EQ(stats.lost(7), 0u);
}

TEST(ReceiveStats, DuplicatesDoNotHideLoss) {
  ReceiveStats stats;
  for (std::uint64_t seq : {0, 1, 1, 1, 3})
    receive(stats, seq);
  EXPECT_EQ(stats.duplicates(), 2u);
  EXPECT_EQ(stats.received(), 3u);
  EXPECT_EQ(stats.lost(5), 2u);
}

TEST(ReceiveStats, HugeSequenceNumbersDoNotAllocate) {
  ReceiveStats stats;
  receive(stats, std::uint64_t{1} << 60);
  receive(stats, 0);
  EXPECT_EQ(stats.received(), 2u);
  EXPECT_EQ(stats.reordered(), 1u);
}

TEST(ReceiveStats, PercentilesByNearestRank) {
  ReceiveStats stats;
  // Latencies 1..1000 us, received in a shuffled order.
  for (std::uint64_t i = 0; i < 1000; ++i) {
    const std::uint64_t us = (i * 7919) % 1000 + 1;
    receive(stats, i, us * 1000);
  }
  auto lat = stats.latency();
  ASSERT_TRUE(lat);
  EXPECT_EQ(lat->samples, 1000u);
  EXPECT_DOUBLE_EQ(lat->p50_us, 500);
  EXPECT_DOUBLE_EQ(lat->p99_us, 990);
  EXPECT_DOUBLE_EQ(lat->p999_us, 999);
  EXPECT_DOUBLE_EQ(lat->min_us, 1);
  EXPECT_DOUBLE_EQ(lat->max_us, 1000);
  EXPECT_DOUBLE_EQ(lat->mean_us, 500.5);
}

TEST(ReceiveStats, DecimatesSamplesButKeepsTheShape) {
  ReceiveStats stats(100);
  for (std::uint64_t i = 0; i < 10000; ++i)
    receive(stats, i, (i % 100 + 1) * 1000);
  auto lat = stats.latency();
  ASSERT_TRUE(lat);
  EXPECT_LE(lat->samples, 100u);
  EXPECT_GE(lat->samples, 50u);
  EXPECT_NEAR(lat->p50_us, 50, 5);
  EXPECT_NEAR(lat->p99_us, 99, 3);
  EXPECT_DOUBLE_EQ(lat->max_us, 100);  // min, max and mean use every packet
  EXPECT_DOUBLE_EQ(lat->mean_us, 50.5);
}

TEST(ReceiveStats, NoLatencyWithoutPackets) {
  ReceiveStats stats;
  EXPECT_FALSE(stats.latency());
  EXPECT_EQ(percentile({}, 0.5), 0u);
}

TEST(ReceiveStats, ClockSkewNeverGivesNegativeLatency) {
  ReceiveStats stats;
  stats.record(Probe{0, 2000}, 1000, 64);
  EXPECT_DOUBLE_EQ(stats.latency()->max_us, 0);
}

}  // namespace
}  // namespace neutrino::pktbench
