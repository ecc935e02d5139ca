#include "controller/http/stream_allowance.hpp"

#include <algorithm>

namespace neutrino::http::detail {

StreamAllowance::StreamAllowance(std::chrono::milliseconds base, uint64_t min_rate)
    : base_(base), rate_(std::max<uint64_t>(min_rate, 1)) {}

std::chrono::milliseconds StreamAllowance::next_read(uint64_t chunk) const {
  using std::chrono::milliseconds;
  const auto total = base_ + milliseconds(static_cast<int64_t>((received_ + chunk) * 1000 / rate_));
  const auto left = total - std::chrono::duration_cast<milliseconds>(waited_);
  return std::clamp(left, milliseconds(1), std::max(base_, milliseconds(1)));
}

void StreamAllowance::reading(Clock::time_point now) {
  read_started_ = now;
}

void StreamAllowance::received(uint64_t bytes, Clock::time_point now) {
  received_ += bytes;
  waited_ += now - read_started_;
}

}  // namespace neutrino::http::detail
