#pragma once
// A TimeSource that moves only when a test says so.
#include <atomic>
#include <cstdint>

#include "common/time_source.hpp"

namespace neutrino::testing {

class FakeTimeSource final : public TimeSource {
 public:
  explicit FakeTimeSource(int64_t start = 1'700'000'000) : now_(start) {}

  int64_t now_unix_seconds() const override { return now_.load(); }
  void advance(int64_t seconds) { now_ += seconds; }
  void set(int64_t unix_seconds) { now_ = unix_seconds; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace neutrino::testing
