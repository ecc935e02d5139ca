#pragma once
// One measurement: the generator offers a load for a while, the sink counts what arrived. A
// Link is whatever runs trials: DPDK ports in real runs, a fake link in the unit tests.

#include <cstdint>
#include <optional>

#include "pktbench/receive_stats.hpp"

namespace neutrino::pktbench {

struct TrialResult {
  double offered_pps = 0;  // what was asked for; 0: as fast as the generator goes
  double duration_s = 0;   // of the sending phase
  std::uint64_t sent = 0;
  std::uint64_t sent_bytes = 0;  // frame sizes on the wire (FCS included)
  std::uint64_t received = 0;
  std::uint64_t received_bytes = 0;
  std::uint64_t lost = 0;
  std::uint64_t reordered = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t tx_failed = 0;  // frames the driver refused (the generator's own limit)
  std::optional<LatencySummary> latency;

  double tx_pps() const { return duration_s > 0 ? static_cast<double>(sent) / duration_s : 0; }
  double rx_pps() const { return duration_s > 0 ? static_cast<double>(received) / duration_s : 0; }
  double rx_gbps() const {
    return duration_s > 0 ? static_cast<double>(received_bytes) * 8 / duration_s / 1e9 : 0;
  }
  double tx_gbps() const {
    return duration_s > 0 ? static_cast<double>(sent_bytes) * 8 / duration_s / 1e9 : 0;
  }
  double loss_ratio() const {
    return sent > 0 ? static_cast<double>(lost) / static_cast<double>(sent) : 0;
  }
};

class Link {
 public:
  virtual ~Link() = default;
  // Offers `offered_pps` (0: unlimited) for the configured duration, then drains.
  virtual TrialResult run_trial(double offered_pps) = 0;
};

}  // namespace neutrino::pktbench
