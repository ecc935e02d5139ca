#include "controller/scheduler/host_filters.hpp"

#include <algorithm>

namespace neutrino::scheduler {

bool ComputeFilter::passes(const HostState& host, const RequestSpec&,
                           const SchedulerSettings&) const {
  return host.up && host.enabled;
}

bool AvailabilityZoneFilter::passes(const HostState& host, const RequestSpec& spec,
                                    const SchedulerSettings&) const {
  return !spec.availability_zone || *spec.availability_zone == host.availability_zone;
}

bool RequestedDestinationFilter::passes(const HostState& host, const RequestSpec& spec,
                                        const SchedulerSettings&) const {
  return (!spec.host || *spec.host == host.host) && (!spec.node || *spec.node == host.node);
}

bool RamFilter::passes(const HostState& host, const RequestSpec& spec,
                       const SchedulerSettings& settings) const {
  return static_cast<double>(host.memory_mb_used + spec.memory_mb) <=
         host.memory_mb_capacity(settings);
}

bool CoreFilter::passes(const HostState& host, const RequestSpec& spec,
                        const SchedulerSettings& settings) const {
  return static_cast<double>(host.vcpus_used + spec.vcpus) <= host.vcpu_capacity(settings);
}

bool DiskFilter::passes(const HostState& host, const RequestSpec& spec,
                        const SchedulerSettings& settings) const {
  return static_cast<double>(host.disk_mb_used + spec.disk_mb()) <= host.disk_mb_capacity(settings);
}

bool ServerGroupAffinityFilter::passes(const HostState& host, const RequestSpec& spec,
                                       const SchedulerSettings&) const {
  return spec.group_policy != "affinity" || spec.group_hosts.empty() ||
         std::find(spec.group_hosts.begin(), spec.group_hosts.end(), host.host) !=
             spec.group_hosts.end();
}

bool ServerGroupAntiAffinityFilter::passes(const HostState& host, const RequestSpec& spec,
                                           const SchedulerSettings&) const {
  return spec.group_policy != "anti-affinity" ||
         std::count(spec.group_hosts.begin(), spec.group_hosts.end(), host.host) <
             spec.max_server_per_host;
}

std::vector<std::unique_ptr<HostFilter>> default_filters() {
  std::vector<std::unique_ptr<HostFilter>> filters;
  filters.push_back(std::make_unique<ComputeFilter>());
  filters.push_back(std::make_unique<AvailabilityZoneFilter>());
  filters.push_back(std::make_unique<RequestedDestinationFilter>());
  filters.push_back(std::make_unique<RamFilter>());
  filters.push_back(std::make_unique<CoreFilter>());
  filters.push_back(std::make_unique<DiskFilter>());
  filters.push_back(std::make_unique<ServerGroupAffinityFilter>());
  filters.push_back(std::make_unique<ServerGroupAntiAffinityFilter>());
  return filters;
}

}  // namespace neutrino::scheduler
