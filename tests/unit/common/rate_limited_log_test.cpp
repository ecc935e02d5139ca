#include "common/rate_limited_log.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/common/fake_monotonic_clock.hpp"

namespace neutrino::log {
namespace {

using namespace std::chrono_literals;

class RateLimitedLogTest : public ::testing::Test {
 protected:
  RateLimitedLog make(size_t burst, MonotonicClock::duration interval) {
    return RateLimitedLog(burst, interval, clock_, [this](Level level, std::string_view line) {
      lines_.emplace_back(line);
      levels_.push_back(level);
    });
  }

  testing::FakeMonotonicClock clock_;
  std::vector<std::string> lines_;
  std::vector<Level> levels_;
};

TEST_F(RateLimitedLogTest, WritesTheBurstThenSummarizesWhatItDropped) {
  auto log = make(3, 10s);
  for (int i = 0; i < 50; ++i) {
    log.warning("metadata: unknown source", "request from 10.0.0.", i);
  }
  EXPECT_EQ(lines_, (std::vector<std::string>{"request from 10.0.0.0", "request from 10.0.0.1",
                                              "request from 10.0.0.2"}));
  clock_.advance(10s);
  log.warning("metadata: unknown source", "request from 10.0.0.99");
  ASSERT_EQ(lines_.size(), 5u);
  EXPECT_EQ(lines_[3], "metadata: unknown source: 47 messages suppressed");
  EXPECT_EQ(levels_[3], Level::kWarning);
  EXPECT_EQ(lines_[4], "request from 10.0.0.99");
}

TEST_F(RateLimitedLogTest, KeysAreLimitedIndependently) {
  auto log = make(1, 1s);
  log.warning("a", "a1");
  log.warning("a", "a2");
  log.warning("b", "b1");
  log.warning("b", "b2");
  EXPECT_EQ(lines_, (std::vector<std::string>{"a1", "b1"}));
  EXPECT_EQ(log.keys(), 2u);
}

TEST_F(RateLimitedLogTest, FlushReportsABurstThatStoppedAndForgetsOldKeys) {
  auto log = make(2, 5s);
  for (int i = 0; i < 7; ++i) {
    log.warning("dhcp: rate limited", "drop ", i);
  }
  log.flush();  // the interval is not over yet
  EXPECT_EQ(lines_.size(), 2u);
  clock_.advance(5s);
  log.flush();
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(lines_[2], "dhcp: rate limited: 5 messages suppressed");
  EXPECT_EQ(log.keys(), 0u);
  log.flush();  // said once only
  EXPECT_EQ(lines_.size(), 3u);
}

TEST_F(RateLimitedLogTest, NothingIsSummarizedWhenNothingWasDropped) {
  auto log = make(5, 1s);
  log.warning("k", "one");
  clock_.advance(2s);
  log.warning("k", "two");
  log.flush();
  clock_.advance(2s);
  log.flush();
  EXPECT_EQ(lines_, (std::vector<std::string>{"one", "two"}));
}

TEST_F(RateLimitedLogTest, ManyKeysShareOneWindowBeyondTheLimit) {
  auto log = make(1, 1min);
  for (size_t i = 0; i < RateLimitedLog::kMaxKeys + 100; ++i) {
    log.warning("key " + std::to_string(i), "line ", i);
  }
  EXPECT_EQ(log.keys(), RateLimitedLog::kMaxKeys + 1);
  EXPECT_EQ(lines_.size(), RateLimitedLog::kMaxKeys + 1);
}

TEST_F(RateLimitedLogTest, LinesBelowTheLogLevelAreNotCounted) {
  auto log = make(1, 1s);
  const Level saved = level();
  set_level(Level::kWarning);
  log.info("k", "quiet");
  set_level(saved);
  log.warning("k", "loud");
  EXPECT_EQ(lines_, (std::vector<std::string>{"loud"}));
}

}  // namespace
}  // namespace neutrino::log
