#include "agent/channel/controller_failover.hpp"

#include <gtest/gtest.h>

#include <deque>

#include "common/random.hpp"

namespace neutrino::agent {
namespace {

using std::chrono::milliseconds;

const std::vector<ControllerAddress> kThree = {{"a", 1}, {"b", 2}, {"c", 3}};

// Picks `low` (or a queued choice), and remembers each range it was asked for.
struct ScriptedUniform {
  std::deque<uint64_t> choices;
  std::vector<std::pair<uint64_t, uint64_t>> asked;

  ControllerFailover::Uniform function() {
    return [this](uint64_t low, uint64_t high) {
      asked.emplace_back(low, high);
      uint64_t choice = low;
      if (!choices.empty()) {
        choice = choices.front();
        choices.pop_front();
      }
      EXPECT_GE(choice, low);
      EXPECT_LE(choice, high);
      return choice;
    };
  }
};

TEST(ControllerFailoverTest, StartsAtARandomControllerOfTheList) {
  ScriptedUniform uniform{{2}, {}};
  ControllerFailover failover(kThree, milliseconds(200), milliseconds(5000), uniform.function());
  ASSERT_EQ(uniform.asked.size(), 1u);
  EXPECT_EQ(uniform.asked[0], (std::pair<uint64_t, uint64_t>(0, 2)));
  EXPECT_EQ(failover.current().host, "c");
}

TEST(ControllerFailoverTest, ALossTriesEveryOtherControllerPromptlyThenBacksOff) {
  ScriptedUniform uniform;
  ControllerFailover failover(kThree, milliseconds(200), milliseconds(5000), uniform.function());
  ASSERT_EQ(failover.current().host, "a");
  failover.connected();
  // Lost a: b and c next, each after at most min_backoff (jitter only).
  EXPECT_EQ(failover.failed(), milliseconds(0));
  EXPECT_EQ(failover.current().host, "b");
  EXPECT_EQ(uniform.asked.back(), (std::pair<uint64_t, uint64_t>(0, 200)));
  failover.failed();
  EXPECT_EQ(failover.current().host, "c");
  EXPECT_EQ(uniform.asked.back(), (std::pair<uint64_t, uint64_t>(0, 200)));
  // A whole round failed: back to a, now with exponential backoff and equal jitter.
  std::vector<std::pair<uint64_t, uint64_t>> waits;
  std::vector<std::string> order;
  for (int i = 0; i < 8; ++i) {
    failover.failed();
    waits.push_back(uniform.asked.back());
    order.push_back(failover.current().host);
  }
  EXPECT_EQ(order, (std::vector<std::string>{"a", "b", "c", "a", "b", "c", "a", "b"}));
  const std::vector<std::pair<uint64_t, uint64_t>> expected = {
      {100, 200},   {200, 400},   {400, 800},   {800, 1600},
      {1600, 3200}, {2500, 5000}, {2500, 5000}, {2500, 5000}};  // capped at max_backoff
  EXPECT_EQ(waits, expected);
}

TEST(ControllerFailoverTest, StaysWithTheControllerItReachedAndStartsAFreshRound) {
  ScriptedUniform uniform;
  ControllerFailover failover(kThree, milliseconds(100), milliseconds(1000), uniform.function());
  for (int i = 0; i < 6; ++i) {
    failover.failed();  // every controller refused twice: backing off
  }
  ASSERT_EQ(failover.current().host, "a");
  failover.connected();
  // The earlier controllers coming back changes nothing: no call moves the agent but a loss.
  EXPECT_EQ(failover.current().host, "a");
  EXPECT_EQ(failover.failed(), milliseconds(0));
  EXPECT_EQ(uniform.asked.back(), (std::pair<uint64_t, uint64_t>(0, 100)));
  EXPECT_EQ(failover.current().host, "b");
}

TEST(ControllerFailoverTest, OneControllerBacksOffFromTheFirstRetry) {
  ScriptedUniform uniform;
  ControllerFailover failover({{"only", 9697}}, milliseconds(200), milliseconds(5000),
                              uniform.function());
  failover.connected();
  failover.failed();
  EXPECT_EQ(failover.current().host, "only");
  EXPECT_EQ(uniform.asked.back(), (std::pair<uint64_t, uint64_t>(100, 200)));
  failover.failed();
  EXPECT_EQ(uniform.asked.back(), (std::pair<uint64_t, uint64_t>(200, 400)));
}

TEST(ControllerFailoverTest, WaitsStayBoundedWithRealRandomness) {
  ControllerFailover failover(kThree, milliseconds(50), milliseconds(800), random::uniform);
  for (int i = 0; i < 1000; ++i) {
    const milliseconds wait = failover.failed();
    EXPECT_GE(wait.count(), 0);
    EXPECT_LE(wait.count(), 800);
  }
  EXPECT_THROW(ControllerFailover({}, milliseconds(1), milliseconds(2), random::uniform),
               std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::agent
