#pragma once
// Nova's filter scheduler over an in-memory list of hosts: for each instance of a request,
// drop the hosts a filter refuses, weigh the rest, take the heaviest, and consume the
// instance's resources on it so the next instance of the same request sees them used. It does
// no I/O; the caller loads the hosts and records the choice in one store transaction, which is
// what makes concurrent requests unable to overcommit a host (see host_state_loader.hpp).
#include <memory>
#include <string>
#include <vector>

#include "controller/scheduler/host_filters.hpp"
#include "controller/scheduler/host_weighers.hpp"

namespace neutrino::scheduler {

struct Selection {
  bool found = false;
  std::vector<std::string> hosts;  // one per instance, in order, when found
  std::string reason;              // "There are not enough hosts available." when not
  std::string details;             // which filter left no host, for logs and admins
};

class FilterScheduler {
 public:
  explicit FilterScheduler(SchedulerSettings settings);

  // Picks a host for each of `count` instances. `hosts` is changed: the chosen hosts' usage
  // grows by what they took.
  Selection select(std::vector<HostState>& hosts, const RequestSpec& spec, int count) const;
  const SchedulerSettings& settings() const { return settings_; }

 private:
  // The surviving hosts, or empty with the name of the filter that removed the last ones.
  std::vector<HostState*> filter(std::vector<HostState>& hosts, const RequestSpec& spec,
                                 std::string& emptied_by) const;

  SchedulerSettings settings_;
  std::vector<std::unique_ptr<HostFilter>> filters_;
  std::vector<std::unique_ptr<HostWeigher>> weighers_;
};

}  // namespace neutrino::scheduler
