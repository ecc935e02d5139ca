#pragma once
// What the sink learns from the probes it receives: unique packets and bytes, duplicates,
// reordering (RFC 4737: a packet whose sequence number is below the next one expected) and
// one-way latency from the TX timestamps (sender and sink share one clock: one process).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "pktbench/frame.hpp"

namespace neutrino::pktbench {

struct LatencySummary {
  std::uint64_t samples = 0;  // how many the percentiles come from
  double min_us = 0, mean_us = 0, max_us = 0;
  double p50_us = 0, p99_us = 0, p999_us = 0;
};

// Nearest-rank percentile (p in [0, 1]) of sorted samples; 0 when there are none.
std::uint64_t percentile(const std::vector<std::uint64_t>& sorted, double p);

class ReceiveStats {
 public:
  // Latency samples beyond `max_samples` are decimated (every other one kept, then every
  // fourth...), so memory stays bounded and the samples stay spread over the whole trial.
  explicit ReceiveStats(std::size_t max_samples = std::size_t{1} << 22);

  void record(const Probe& probe, std::uint64_t rx_ns, std::size_t frame_size);

  std::uint64_t received() const { return received_; }
  std::uint64_t received_bytes() const { return received_bytes_; }
  std::uint64_t duplicates() const { return duplicates_; }
  std::uint64_t reordered() const { return reordered_; }
  // Packets sent but never received (duplicates do not make up for lost ones).
  std::uint64_t lost(std::uint64_t sent) const { return sent > received_ ? sent - received_ : 0; }
  std::optional<LatencySummary> latency() const;

 private:
  std::size_t max_samples_;
  std::vector<bool> seen_;
  std::uint64_t next_expected_ = 0;
  std::uint64_t received_ = 0;
  std::uint64_t received_bytes_ = 0;
  std::uint64_t duplicates_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t stride_ = 1;  // keep one latency sample in `stride_`
  std::uint64_t skipped_ = 0;
  std::uint64_t min_ns_ = UINT64_MAX, max_ns_ = 0;
  double sum_ns_ = 0;
  std::vector<std::uint64_t> samples_;
};

}  // namespace neutrino::pktbench
