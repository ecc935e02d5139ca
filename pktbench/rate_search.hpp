#pragma once
// RFC 2544 (section 26.1) throughput: the highest offered rate at which the loss stays under
// a threshold, found by binary search between 0 and what the generator reaches unthrottled.

#include <vector>

#include "pktbench/trial.hpp"

namespace neutrino::pktbench {

struct SearchOptions {
  double loss_threshold = 0.001;  // ratio; RFC 2544 says 0, a shared machine never gets there
  double resolution = 0.02;       // stop once the bracket is this fraction of its top
  int max_trials = 10;            // the unthrottled trial included
};

struct SearchResult {
  std::vector<TrialResult> trials;  // in the order they ran
  std::optional<TrialResult> best;  // the highest-rate trial that passed, if any did
};

bool passes(const TrialResult& trial, const SearchOptions& options);
SearchResult search_highest_rate(Link& link, const SearchOptions& options);

}  // namespace neutrino::pktbench
