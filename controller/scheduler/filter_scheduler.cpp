#include "controller/scheduler/filter_scheduler.hpp"

namespace neutrino::scheduler {

FilterScheduler::FilterScheduler(SchedulerSettings settings)
    : settings_(settings), filters_(default_filters()), weighers_(default_weighers()) {}

std::vector<HostState*> FilterScheduler::filter(std::vector<HostState>& hosts,
                                                const RequestSpec& spec,
                                                std::string& emptied_by) const {
  std::vector<HostState*> passing;
  for (HostState& host : hosts) {
    passing.push_back(&host);
  }
  for (const auto& host_filter : filters_) {
    std::vector<HostState*> kept;
    for (HostState* host : passing) {
      if (host_filter->passes(*host, spec, settings_)) {
        kept.push_back(host);
      }
    }
    if (kept.empty()) {
      emptied_by = passing.empty() ? "" : host_filter->name();
      return kept;
    }
    passing = std::move(kept);
  }
  return passing;
}

Selection FilterScheduler::select(std::vector<HostState>& hosts, const RequestSpec& spec,
                                  int count) const {
  Selection selection;
  RequestSpec current = spec;  // each server placed joins the group's hosts for the next
  for (int i = 0; i < count; ++i) {
    std::string emptied_by;
    const auto candidates = filter(hosts, current, emptied_by);
    if (candidates.empty()) {
      selection.reason = "There are not enough hosts available.";
      selection.details = hosts.empty() ? "No compute hosts are registered."
                                        : "Filter " + emptied_by + " returned 0 hosts";
      selection.hosts.clear();
      return selection;
    }
    const std::vector<const HostState*> weighed(candidates.begin(), candidates.end());
    const auto weights = weigh_hosts(weighed, weighers_, settings_);
    size_t best = 0;
    for (size_t j = 1; j < candidates.size(); ++j) {
      // Ties go to the first host in the given order, so choices are reproducible.
      if (weights[j] > weights[best]) {
        best = j;
      }
    }
    consume(*candidates[best], spec);
    selection.hosts.push_back(candidates[best]->host);
    current.group_hosts.push_back(candidates[best]->host);
  }
  selection.found = true;
  return selection;
}

}  // namespace neutrino::scheduler
