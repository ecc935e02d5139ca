#include "agent/app/metadata_guest_limits.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/fake_monotonic_clock.hpp"

namespace neutrino::agent {
namespace {

using namespace std::chrono_literals;

class MetadataGuestLimitsTest : public ::testing::Test {
 protected:
  neutrino::testing::FakeMonotonicClock clock_;
  const GuestKey a_{"net-1", "10.0.0.5"};
  const GuestKey b_{"net-1", "10.0.0.6"};
  const GuestKey a_elsewhere_{"net-2", "10.0.0.5"};
};

TEST_F(MetadataGuestLimitsTest, AGuestHoldsAtMostItsShareOfConnections) {
  MetadataGuestLimits limits({.connections_per_guest = 4}, clock_);
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(limits.try_open(a_)) << i;
  }
  EXPECT_FALSE(limits.try_open(a_));
  EXPECT_FALSE(limits.try_open(a_));
  EXPECT_EQ(limits.connections(a_), 4u);
  // Other guests, and the same address on another network, are someone else.
  EXPECT_TRUE(limits.try_open(b_));
  EXPECT_TRUE(limits.try_open(a_elsewhere_));
  limits.closed(a_);
  EXPECT_TRUE(limits.try_open(a_));
  EXPECT_EQ(limits.total_connections(), 6u);
}

TEST_F(MetadataGuestLimitsTest, TheProxyAsAWholeHasACeiling) {
  MetadataGuestLimits limits({.connections_per_guest = 4, .connections_total = 5}, clock_);
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(limits.try_open(a_));
  }
  EXPECT_TRUE(limits.try_open(b_));
  EXPECT_FALSE(limits.try_open(b_));
  EXPECT_FALSE(limits.try_open(a_elsewhere_));
  limits.closed(a_);
  EXPECT_TRUE(limits.try_open(a_elsewhere_));
}

TEST_F(MetadataGuestLimitsTest, RequestsAreLimitedPerGuestBeyondABurst) {
  MetadataGuestLimits limits({.requests = {.per_second = 10, .burst = 20}}, clock_);
  ASSERT_TRUE(limits.try_open(a_));
  for (int i = 0; i < 20; ++i) {
    EXPECT_TRUE(limits.try_request(a_)) << i;
  }
  EXPECT_FALSE(limits.try_request(a_));
  EXPECT_TRUE(limits.try_request(b_));  // b's bucket is its own
  clock_.advance(500ms);
  int admitted = 0;
  while (limits.try_request(a_)) {
    ++admitted;
  }
  EXPECT_EQ(admitted, 5);
}

TEST_F(MetadataGuestLimitsTest, ReconnectingDoesNotResetTheRate) {
  MetadataGuestLimits limits({.requests = {.per_second = 0.1, .burst = 2}}, clock_);
  ASSERT_TRUE(limits.try_open(a_));
  EXPECT_TRUE(limits.try_request(a_));
  EXPECT_TRUE(limits.try_request(a_));
  limits.closed(a_);
  // A sweep runs at the next connection and finds the bucket half refilled: a_ is kept.
  clock_.advance(MetadataGuestLimits::kSweepInterval);
  ASSERT_TRUE(limits.try_open(a_));
  EXPECT_FALSE(limits.try_request(a_));
  clock_.advance(std::chrono::seconds(5));
  EXPECT_TRUE(limits.try_request(a_));
}

TEST_F(MetadataGuestLimitsTest, GuestsThatOweNothingAreForgotten) {
  MetadataGuestLimits limits({.requests = {.per_second = 10, .burst = 20}}, clock_);
  for (int i = 0; i < 100; ++i) {
    const GuestKey guest{"net-1", "10.0.1." + std::to_string(i)};
    ASSERT_TRUE(limits.try_open(guest));
    limits.try_request(guest);
    limits.closed(guest);
  }
  ASSERT_TRUE(limits.try_open(a_));  // still open: kept
  EXPECT_EQ(limits.tracked(), 101u);
  clock_.advance(MetadataGuestLimits::kSweepInterval);
  EXPECT_TRUE(limits.try_open(b_));
  EXPECT_EQ(limits.tracked(), 2u);
  EXPECT_EQ(limits.connections(a_), 1u);
}

TEST_F(MetadataGuestLimitsTest, ClosingWhatWasNeverOpenedChangesNothing) {
  MetadataGuestLimits limits({}, clock_);
  limits.closed(a_);
  EXPECT_EQ(limits.total_connections(), 0u);
  ASSERT_TRUE(limits.try_open(a_));
  limits.closed(a_);
  limits.closed(a_);
  EXPECT_EQ(limits.total_connections(), 0u);
}

}  // namespace
}  // namespace neutrino::agent
