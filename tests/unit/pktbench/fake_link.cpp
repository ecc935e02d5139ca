#include "fake_link.hpp"

#include <algorithm>

namespace neutrino::pktbench {

TrialResult FakeLink::run_trial(double offered_pps) {
  offered_.push_back(offered_pps);
  const double rate = offered_pps > 0 ? std::min(offered_pps, generator_pps_) : generator_pps_;
  TrialResult t;
  t.offered_pps = offered_pps;
  t.duration_s = 1.0;
  t.sent = static_cast<std::uint64_t>(rate);
  const double forwarded = std::min(rate, capacity_pps_) * (1 - background_loss_);
  t.received = static_cast<std::uint64_t>(forwarded);
  t.lost = t.sent - t.received;
  return t;
}

}  // namespace neutrino::pktbench
