#include "pktbench/receive_stats.hpp"

#include <algorithm>
#include <cmath>

namespace neutrino::pktbench {
namespace {

// A hostile or corrupt sequence number must not make the duplicate bitmap allocate
// gigabytes: beyond this, duplicates are not tracked (the probe still counts).
constexpr std::uint64_t kMaxTrackedSequence = std::uint64_t{1} << 31;

}  // namespace

std::uint64_t percentile(const std::vector<std::uint64_t>& sorted, double p) {
  if (sorted.empty())
    return 0;
  auto rank = static_cast<std::size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  rank = std::clamp<std::size_t>(rank, 1, sorted.size());
  return sorted[rank - 1];
}

ReceiveStats::ReceiveStats(std::size_t max_samples)
    : max_samples_(std::max<std::size_t>(max_samples, 2)) {
  samples_.reserve(std::min<std::size_t>(max_samples_, std::size_t{1} << 16));
}

void ReceiveStats::record(const Probe& probe, std::uint64_t rx_ns, std::size_t frame_size) {
  const std::uint64_t seq = probe.sequence;
  if (seq < kMaxTrackedSequence) {
    if (seq >= seen_.size())
      seen_.resize(std::max<std::size_t>(seq + 1, seen_.size() * 2));
    if (seen_[seq]) {
      ++duplicates_;
      return;
    }
    seen_[seq] = true;
  }
  ++received_;
  received_bytes_ += frame_size;
  if (seq < next_expected_) {
    ++reordered_;
  } else {
    next_expected_ = seq + 1;
  }
  const std::uint64_t latency = rx_ns > probe.tx_ns ? rx_ns - probe.tx_ns : 0;
  min_ns_ = std::min(min_ns_, latency);
  max_ns_ = std::max(max_ns_, latency);
  sum_ns_ += static_cast<double>(latency);
  if (++skipped_ < stride_)
    return;
  skipped_ = 0;
  if (samples_.size() == max_samples_) {
    // Keep every other sample and halve the sampling rate from now on.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < samples_.size(); i += 2)
      samples_[kept++] = samples_[i];
    samples_.resize(kept);
    stride_ *= 2;
  }
  samples_.push_back(latency);
}

std::optional<LatencySummary> ReceiveStats::latency() const {
  if (received_ == 0)
    return std::nullopt;
  std::vector<std::uint64_t> sorted = samples_;
  std::sort(sorted.begin(), sorted.end());
  auto us = [](double ns) { return ns / 1000.0; };
  LatencySummary s;
  s.samples = sorted.size();
  s.min_us = us(static_cast<double>(min_ns_));
  s.max_us = us(static_cast<double>(max_ns_));
  s.mean_us = us(sum_ns_ / static_cast<double>(received_));
  s.p50_us = us(static_cast<double>(percentile(sorted, 0.50)));
  s.p99_us = us(static_cast<double>(percentile(sorted, 0.99)));
  s.p999_us = us(static_cast<double>(percentile(sorted, 0.999)));
  return s;
}

}  // namespace neutrino::pktbench
