#include "controller/identity/source_throttle.hpp"

#include <gtest/gtest.h>

#include "tests/unit/common/fake_time_source.hpp"

namespace neutrino::identity {
namespace {

class SourceThrottleTest : public ::testing::Test {
 protected:
  // One verification from `address` that fails; false when it was refused.
  bool fail_once(SourceThrottle& throttle, const std::string& address) {
    if (throttle.try_begin(address).retry_after != 0) {
      return false;
    }
    throttle.finish(address, true);
    return true;
  }

  neutrino::testing::FakeTimeSource time_;
  SourceThrottle throttle_{time_, 3, 60, 1000};
};

TEST_F(SourceThrottleTest, BlocksAnAddressForTheWindowAfterItsFailures) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(fail_once(throttle_, "198.51.100.7")) << i;
  }
  EXPECT_TRUE(throttle_.try_begin("198.51.100.7").blocked);
  EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 60);
  time_.advance(59);
  EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 1);
  EXPECT_EQ(throttle_.try_begin("198.51.100.8").retry_after, 0)
      << "other addresses are not affected";
  throttle_.finish("198.51.100.8", false);
  time_.advance(1);
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7")) << "the block ended, with a fresh count";
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_GT(throttle_.try_begin("198.51.100.7").retry_after, 0);
}

TEST_F(SourceThrottleTest, FailuresOutsideTheWindowAreForgotten) {
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  time_.advance(60);
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 0);
}

TEST_F(SourceThrottleTest, SuccessDoesNotClearTheFailures) {
  // Else one valid account would let an address spray guesses at every other.
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  ASSERT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 0);
  throttle_.finish("198.51.100.7", false);
  EXPECT_TRUE(fail_once(throttle_, "198.51.100.7"));
  EXPECT_GT(throttle_.try_begin("198.51.100.7").retry_after, 0);
}

TEST_F(SourceThrottleTest, VerificationsInFlightSpendTheBudget) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 0) << i;
  }
  const auto fourth = throttle_.try_begin("198.51.100.7");
  EXPECT_EQ(fourth.retry_after, 1) << "a fourth parallel guess";
  EXPECT_FALSE(fourth.blocked);
  throttle_.finish("198.51.100.7", false);
  EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 0)
      << "a finished success frees its place";
  for (int i = 0; i < 3; ++i) {
    throttle_.finish("198.51.100.7", true);
  }
  EXPECT_EQ(throttle_.try_begin("198.51.100.7").retry_after, 60);
}

TEST_F(SourceThrottleTest, CountsIpv6PerSlash64AndMappedIpv4AsIpv4) {
  EXPECT_EQ(SourceThrottle::key_of("2001:db8:1:2:3:4:5:6"), "2001:db8:1:2::/64");
  EXPECT_EQ(SourceThrottle::key_of("::ffff:192.0.2.9"), "192.0.2.9");
  EXPECT_EQ(SourceThrottle::key_of("192.0.2.9"), "192.0.2.9");
  EXPECT_TRUE(fail_once(throttle_, "2001:db8:1:2::1"));
  EXPECT_TRUE(fail_once(throttle_, "2001:db8:1:2::2"));
  EXPECT_TRUE(fail_once(throttle_, "2001:db8:1:2:ffff::3"));
  EXPECT_GT(throttle_.try_begin("2001:db8:1:2::99").retry_after, 0);
  EXPECT_EQ(throttle_.try_begin("2001:db8:1:3::1").retry_after, 0);
}

TEST_F(SourceThrottleTest, TracksABoundedNumberOfAddresses) {
  SourceThrottle small(time_, 3, 60, 8);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(
        fail_once(small, "10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256)));
  }
  EXPECT_LE(small.tracked(), 8u);
  // The newest are still counted.
  EXPECT_TRUE(fail_once(small, "10.0.3.231"));
  EXPECT_TRUE(fail_once(small, "10.0.3.231"));
  EXPECT_GT(small.try_begin("10.0.3.231").retry_after, 0);
}

TEST_F(SourceThrottleTest, ZeroDisablesTheLimit) {
  SourceThrottle off(time_, 0, 60, 8);
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(fail_once(off, "198.51.100.7"));
  }
  EXPECT_EQ(off.tracked(), 0u);
}

}  // namespace
}  // namespace neutrino::identity
