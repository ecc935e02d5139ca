#include "common/token_bucket.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/fake_monotonic_clock.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucketTest, AdmitsTheBurstAtOnceThenTheRate) {
  testing::FakeMonotonicClock clock;
  TokenBucket bucket({.per_second = 10, .burst = 20}, clock.now());
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(bucket.try_take(clock.now())) << i;
  }
  EXPECT_FALSE(bucket.try_take(clock.now()));
  clock.advance(100ms);  // one token
  EXPECT_TRUE(bucket.try_take(clock.now()));
  EXPECT_FALSE(bucket.try_take(clock.now()));
  clock.advance(50ms);  // half a token is not one
  EXPECT_FALSE(bucket.try_take(clock.now()));
  clock.advance(50ms);
  EXPECT_TRUE(bucket.try_take(clock.now()));
}

TEST(TokenBucketTest, SustainedRateIsTheRefillRate) {
  testing::FakeMonotonicClock clock;
  TokenBucket bucket({.per_second = 10, .burst = 20}, clock.now());
  int admitted = 0;
  for (int ms = 0; ms < 10'000; ++ms) {  // 1,000 attempts a second for 10 s
    admitted += bucket.try_take(clock.now()) ? 1 : 0;
    clock.advance(1ms);
  }
  EXPECT_GE(admitted, 20 + 99);
  EXPECT_LE(admitted, 20 + 100);
}

TEST(TokenBucketTest, RefillStopsAtTheBurstAndReportsFull) {
  testing::FakeMonotonicClock clock;
  TokenBucket bucket({.per_second = 2, .burst = 4}, clock.now());
  EXPECT_TRUE(bucket.full(clock.now()));
  ASSERT_TRUE(bucket.try_take(clock.now()));
  EXPECT_FALSE(bucket.full(clock.now()));
  clock.advance(1h);
  EXPECT_TRUE(bucket.full(clock.now()));
  EXPECT_DOUBLE_EQ(bucket.tokens(clock.now()), 4);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(bucket.try_take(clock.now()));
  }
  EXPECT_FALSE(bucket.try_take(clock.now()));
}

TEST(TokenBucketTest, AnOlderTimestampRefillsNothing) {
  testing::FakeMonotonicClock clock;
  const auto before = clock.now();
  clock.advance(1s);
  TokenBucket bucket({.per_second = 1, .burst = 1}, clock.now());
  ASSERT_TRUE(bucket.try_take(clock.now()));
  EXPECT_FALSE(bucket.try_take(before));
  EXPECT_FALSE(bucket.try_take(clock.now()));
}

}  // namespace
}  // namespace neutrino
