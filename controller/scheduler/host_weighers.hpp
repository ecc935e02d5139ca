#pragma once
// Nova's weighers: each gives every host a raw weight, the raw weights are normalised to
// [0, 1] between the weigher's floor (0 for all three, as Nova's minval; raw weights are
// clamped to it) and the highest weight (no range: all 0), multiplied by the weigher's multiplier
// and summed; the highest total wins. With positive multipliers the host with the most free RAM,
// vCPUs and disk wins (spreading); a negative ram_weight_multiplier packs.
#include <memory>
#include <vector>

#include "controller/scheduler/host_state.hpp"

namespace neutrino::scheduler {

class HostWeigher {
 public:
  virtual ~HostWeigher() = default;
  virtual const char* name() const = 0;
  virtual double multiplier(const SchedulerSettings& settings) const = 0;
  virtual double raw_weight(const HostState& host, const SchedulerSettings& settings) const = 0;
};

class RamWeigher final : public HostWeigher {
 public:
  const char* name() const override { return "RAMWeigher"; }
  double multiplier(const SchedulerSettings& s) const override { return s.ram_weight_multiplier; }
  double raw_weight(const HostState& host, const SchedulerSettings& s) const override;
};

class CpuWeigher final : public HostWeigher {
 public:
  const char* name() const override { return "CPUWeigher"; }
  double multiplier(const SchedulerSettings& s) const override { return s.cpu_weight_multiplier; }
  double raw_weight(const HostState& host, const SchedulerSettings& s) const override;
};

class DiskWeigher final : public HostWeigher {
 public:
  const char* name() const override { return "DiskWeigher"; }
  double multiplier(const SchedulerSettings& s) const override { return s.disk_weight_multiplier; }
  double raw_weight(const HostState& host, const SchedulerSettings& s) const override;
};

std::vector<std::unique_ptr<HostWeigher>> default_weighers();

// The summed, normalised weight of each host, in the order given.
std::vector<double> weigh_hosts(const std::vector<const HostState*>& hosts,
                                const std::vector<std::unique_ptr<HostWeigher>>& weighers,
                                const SchedulerSettings& settings);

}  // namespace neutrino::scheduler
