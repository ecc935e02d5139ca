#pragma once
// The time seam for code whose behaviour depends on elapsed time: rate limits, budgets,
// summaries "in the last N seconds". Such code takes a `const MonotonicClock&` (production:
// MonotonicClock::system()); unit tests pass a FakeMonotonicClock that they advance by hand
// (tests/unit/common/fake_monotonic_clock.hpp), so nothing sleeps and nothing is flaky.
#include <chrono>

namespace neutrino {

class MonotonicClock {
 public:
  using time_point = std::chrono::steady_clock::time_point;
  using duration = std::chrono::steady_clock::duration;

  virtual ~MonotonicClock() = default;
  virtual time_point now() const = 0;

  // std::chrono::steady_clock; one shared instance.
  static const MonotonicClock& system();
};

}  // namespace neutrino
