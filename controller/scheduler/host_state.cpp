#include "controller/scheduler/host_state.hpp"

namespace neutrino::scheduler {

double HostState::vcpu_capacity(const SchedulerSettings& s) const {
  return static_cast<double>(vcpus - s.reserved_host_cpus) * s.cpu_allocation_ratio;
}

double HostState::memory_mb_capacity(const SchedulerSettings& s) const {
  return static_cast<double>(memory_mb - s.reserved_host_memory_mb) * s.ram_allocation_ratio;
}

double HostState::disk_mb_capacity(const SchedulerSettings& s) const {
  return static_cast<double>(local_gb * 1024 - s.reserved_host_disk_mb) * s.disk_allocation_ratio;
}

int64_t HostState::free_ram_mb(const SchedulerSettings& s) const {
  return memory_mb - s.reserved_host_memory_mb - memory_mb_used;
}

double HostState::free_vcpus(const SchedulerSettings& s) const {
  return static_cast<double>(vcpus) * s.cpu_allocation_ratio - static_cast<double>(vcpus_used);
}

int64_t HostState::free_disk_mb(const SchedulerSettings& s) const {
  return local_gb * 1024 - s.reserved_host_disk_mb - disk_mb_used;
}

void consume(HostState& host, const RequestSpec& spec) {
  host.vcpus_used += spec.vcpus;
  host.memory_mb_used += spec.memory_mb;
  host.disk_mb_used += spec.disk_mb();
  host.running_vms += 1;
}

}  // namespace neutrino::scheduler
