#pragma once
// The wall clock as a seam: code whose behaviour depends on elapsed time (lockouts, rate limits)
// reads it through TimeSource, so unit tests drive time with a fake instead of sleeping.
#include <cstdint>

namespace neutrino {

class TimeSource {
 public:
  virtual ~TimeSource() = default;
  // UTC seconds since the epoch.
  virtual int64_t now_unix_seconds() const = 0;
};

// The real clock.
class SystemTimeSource final : public TimeSource {
 public:
  int64_t now_unix_seconds() const override;
  // One shared instance for production wiring.
  static const SystemTimeSource& instance();
};

}  // namespace neutrino
