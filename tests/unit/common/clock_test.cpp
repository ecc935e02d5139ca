#include "common/clock.hpp"

#include <gtest/gtest.h>

namespace neutrino {
namespace {

TEST(ClockTest, FormatsAndParsesIso8601) {
  EXPECT_EQ(clock::format_iso8601(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(clock::format_iso8601(1795330067), "2026-11-22T06:47:47Z");
  EXPECT_EQ(clock::parse_iso8601("2026-11-22T06:47:47Z"), 1795330067);
  EXPECT_EQ(clock::parse_iso8601("2026-11-22T06:47:47.123456Z"), 1795330067);
  EXPECT_FALSE(clock::parse_iso8601("yesterday").has_value());
  EXPECT_EQ(clock::format_iso8601_micros(1795330067000001), "2026-11-22T06:47:47.000001Z");
}

}  // namespace
}  // namespace neutrino
