#include "common/time_source.hpp"

#include <gtest/gtest.h>

#include "common/clock.hpp"
#include "tests/unit/common/fake_time_source.hpp"

namespace neutrino {
namespace {

TEST(TimeSourceTest, SystemTimeSourceIsTheWallClock) {
  const int64_t before = clock::now_unix_seconds();
  const int64_t now = SystemTimeSource::instance().now_unix_seconds();
  EXPECT_GE(now, before);
  EXPECT_LE(now, clock::now_unix_seconds());
}

TEST(TimeSourceTest, FakeMovesOnlyWhenTold) {
  testing::FakeTimeSource fake(100);
  const TimeSource& time = fake;
  EXPECT_EQ(time.now_unix_seconds(), 100);
  fake.advance(1800);
  EXPECT_EQ(time.now_unix_seconds(), 1900);
  fake.set(5);
  EXPECT_EQ(time.now_unix_seconds(), 5);
}

}  // namespace
}  // namespace neutrino
