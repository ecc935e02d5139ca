#pragma once
// A link for the rate search's tests: a generator that reaches `generator_pps` unthrottled and
// a path that forwards at most `capacity_pps`, plus a constant background loss ratio.

#include <vector>

#include "pktbench/trial.hpp"

namespace neutrino::pktbench {

class FakeLink : public Link {
 public:
  FakeLink(double generator_pps, double capacity_pps, double background_loss = 0)
      : generator_pps_(generator_pps),
        capacity_pps_(capacity_pps),
        background_loss_(background_loss) {}

  TrialResult run_trial(double offered_pps) override;
  const std::vector<double>& offered() const { return offered_; }

 private:
  double generator_pps_, capacity_pps_, background_loss_;
  std::vector<double> offered_;
};

}  // namespace neutrino::pktbench
