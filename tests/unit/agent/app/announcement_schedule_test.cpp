// Announcements of external addresses go out once when the address is first served, then again
// after 1, 2, 4, ... s up to every minute, and stop when the address is no longer served.
#include "agent/app/announcement_schedule.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/common/fake_monotonic_clock.hpp"

namespace neutrino::agent::testing {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

class AnnouncementScheduleTest : public ::testing::Test {
 protected:
  // The seconds from now at which `packet` is sent again, for `repeats` repeats.
  std::vector<long> repeat_times(int repeats) {
    std::vector<long> times;
    long elapsed = 0;
    while (static_cast<int>(times.size()) < repeats) {
      clock_.advance(1s);
      ++elapsed;
      if (!schedule_.take_due().empty()) {
        times.push_back(elapsed);
      }
    }
    return times;
  }

  neutrino::testing::FakeMonotonicClock clock_;
  AnnouncementSchedule schedule_{clock_};
};

TEST_F(AnnouncementScheduleTest, NothingScheduledNothingDue) {
  EXPECT_FALSE(schedule_.next_due());
  EXPECT_THAT(schedule_.take_due(), IsEmpty());
}

TEST_F(AnnouncementScheduleTest, NewPacketsAreDueAtOnceAndOnlyOnce) {
  EXPECT_THAT(schedule_.update({"b", "a"}), ElementsAre("a", "b"));
  EXPECT_THAT(schedule_.update({"a", "b", "c"}), ElementsAre("c"));
  EXPECT_THAT(schedule_.take_due(), IsEmpty());  // sent already
  EXPECT_EQ(schedule_.next_due(), clock_.now() + 1s);
}

TEST_F(AnnouncementScheduleTest, RepeatsBackOffToEveryMinute) {
  schedule_.update({"a"});
  EXPECT_THAT(repeat_times(9), ElementsAre(1, 3, 7, 15, 31, 63, 123, 183, 243));
}

TEST_F(AnnouncementScheduleTest, AnAddressNoLongerServedIsNotRepeated) {
  schedule_.update({"a", "b"});
  schedule_.update({"b"});
  clock_.advance(1s);
  EXPECT_THAT(schedule_.take_due(), ElementsAre("b"));
  schedule_.update({});
  EXPECT_FALSE(schedule_.next_due());
  // Served again: announced again at once.
  EXPECT_THAT(schedule_.update({"a"}), ElementsAre("a"));
}

}  // namespace
}  // namespace neutrino::agent::testing
