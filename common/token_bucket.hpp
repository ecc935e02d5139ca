#pragma once
// A token bucket: it refills at `per_second` tokens a second up to `burst`, and each admitted
// event takes one token, so a caller gets `burst` events at once and `per_second` a second
// after that. Used for what untrusted peers may do at will (metadata requests per guest, DHCP
// packets per port). The caller passes the time, so the bucket needs no clock and no lock.
// Header-only and standard-library only: dhcp/ (built alone for its fuzzer) uses it too.
#include <algorithm>
#include <chrono>

namespace neutrino {

struct RateLimit {
  double per_second = 1;
  double burst = 1;
};

class TokenBucket {
 public:
  using time_point = std::chrono::steady_clock::time_point;

  // Starts full.
  TokenBucket(RateLimit limit, time_point now)
      : limit_(limit), tokens_(limit.burst), updated_(now) {}

  // Takes a token if there is one.
  bool try_take(time_point now) {
    tokens_ = tokens(now);
    updated_ = std::max(updated_, now);
    if (tokens_ < 1) {
      return false;
    }
    tokens_ -= 1;
    return true;
  }

  // Whether the bucket has refilled completely (nothing is owed: it can be forgotten).
  bool full(time_point now) const { return tokens(now) >= limit_.burst; }

  double tokens(time_point now) const {
    if (now <= updated_) {
      return tokens_;  // a caller's stale `now` refills nothing
    }
    const double elapsed = std::chrono::duration<double>(now - updated_).count();
    return std::min(limit_.burst, tokens_ + elapsed * limit_.per_second);
  }

  const RateLimit& limit() const { return limit_; }

 private:
  RateLimit limit_;
  double tokens_;
  time_point updated_;
};

}  // namespace neutrino
