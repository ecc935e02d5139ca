#pragma once
// How long the next read of a streamed request body may wait. A streamed body gets the
// allowance a buffered one gets (body_timeout plus bytes / min_body_rate) for what it has
// read so far, and no single read may wait longer than body_timeout. Only time spent waiting
// for the client counts: the time the sink takes with a chunk is the server's, not the
// client's.
#include <chrono>
#include <cstdint>

namespace neutrino::http::detail {

class StreamAllowance {
 public:
  using Clock = std::chrono::steady_clock;

  StreamAllowance() = default;
  StreamAllowance(std::chrono::milliseconds base, uint64_t min_rate);

  // The deadline, from now, of a read of up to `chunk` bytes (at least 1 ms).
  std::chrono::milliseconds next_read(uint64_t chunk) const;
  // A read starts now / ended having delivered `bytes`.
  void reading(Clock::time_point now = Clock::now());
  void received(uint64_t bytes, Clock::time_point now = Clock::now());

  uint64_t bytes() const { return received_; }

 private:
  std::chrono::milliseconds base_{0};
  uint64_t rate_ = 1;
  uint64_t received_ = 0;
  Clock::duration waited_{0};
  Clock::time_point read_started_{};
};

}  // namespace neutrino::http::detail
