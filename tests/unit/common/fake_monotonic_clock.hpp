#pragma once
// A MonotonicClock that only moves when the test says so. Safe to read from an event-loop
// thread while the test thread advances it.
#include <atomic>

#include "common/monotonic_clock.hpp"

namespace neutrino::testing {

class FakeMonotonicClock final : public MonotonicClock {
 public:
  time_point now() const override { return time_point(duration(ticks_.load())); }
  void advance(duration by) { ticks_ += by.count(); }

 private:
  // Far from the epoch, so code that subtracts intervals from "now" never goes negative.
  std::atomic<duration::rep> ticks_{
      std::chrono::duration_cast<duration>(std::chrono::hours(24 * 365)).count()};
};

}  // namespace neutrino::testing
