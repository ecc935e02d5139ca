#include "pktbench/rate_search.hpp"

namespace neutrino::pktbench {

bool passes(const TrialResult& trial, const SearchOptions& options) {
  return trial.sent > 0 && trial.loss_ratio() <= options.loss_threshold;
}

SearchResult search_highest_rate(Link& link, const SearchOptions& options) {
  SearchResult result;
  TrialResult unthrottled = link.run_trial(0);
  result.trials.push_back(unthrottled);
  if (passes(unthrottled, options)) {
    result.best = unthrottled;  // the path keeps up with the generator: that is the figure
    return result;
  }
  double low = 0;                      // highest rate known to pass
  double high = unthrottled.tx_pps();  // lowest rate known to fail
  while (static_cast<int>(result.trials.size()) < options.max_trials &&
         high - low > options.resolution * high && high >= 1) {
    const double rate = (low + high) / 2;
    TrialResult trial = link.run_trial(rate);
    result.trials.push_back(trial);
    if (passes(trial, options)) {
      low = rate;
      // A paced generator may fall short of the rate asked for: keep the best one measured.
      if (!result.best || trial.rx_pps() > result.best->rx_pps())
        result.best = trial;
    } else {
      high = rate;
    }
  }
  return result;
}

}  // namespace neutrino::pktbench
