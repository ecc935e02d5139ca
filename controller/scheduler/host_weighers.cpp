#include "controller/scheduler/host_weighers.hpp"

#include <algorithm>

namespace neutrino::scheduler {

double RamWeigher::raw_weight(const HostState& host, const SchedulerSettings& s) const {
  return static_cast<double>(host.free_ram_mb(s));
}

double CpuWeigher::raw_weight(const HostState& host, const SchedulerSettings& s) const {
  return host.free_vcpus(s);
}

double DiskWeigher::raw_weight(const HostState& host, const SchedulerSettings& s) const {
  return static_cast<double>(host.free_disk_mb(s));
}

std::vector<std::unique_ptr<HostWeigher>> default_weighers() {
  std::vector<std::unique_ptr<HostWeigher>> weighers;
  weighers.push_back(std::make_unique<RamWeigher>());
  weighers.push_back(std::make_unique<CpuWeigher>());
  weighers.push_back(std::make_unique<DiskWeigher>());
  return weighers;
}

std::vector<double> weigh_hosts(const std::vector<const HostState*>& hosts,
                                const std::vector<std::unique_ptr<HostWeigher>>& weighers,
                                const SchedulerSettings& settings) {
  std::vector<double> totals(hosts.size(), 0.0);
  if (hosts.size() <= 1) {
    return totals;
  }
  for (const auto& weigher : weighers) {
    std::vector<double> raw;
    raw.reserve(hosts.size());
    for (const HostState* host : hosts) {
      const double weight = weigher->raw_weight(*host, settings);
      raw.push_back(std::max(weight, 0.0));
    }
    // Normalised between 0 (Nova's minval for these weighers) and the largest raw weight.
    const double range = *std::max_element(raw.begin(), raw.end());
    if (range == 0.0) {
      continue;  // nothing free anywhere: every host gets 0 from this weigher
    }
    const double multiplier = weigher->multiplier(settings);
    for (size_t i = 0; i < raw.size(); ++i) {
      totals[i] += multiplier * raw[i] / range;
    }
  }
  return totals;
}

}  // namespace neutrino::scheduler
