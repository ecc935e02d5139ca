#pragma once
// Operator settings of the scheduler, with Nova's option names and current defaults
// ([DEFAULT] cpu/ram/disk_allocation_ratio, whose unset value means Nova's initial_*
// ratios 4.0/1.0/1.0; reserved_host_memory_mb 512; [filter_scheduler] *_weight_multiplier).
#include <cstdint>

namespace neutrino::scheduler {

struct SchedulerSettings {
  double cpu_allocation_ratio = 4.0;
  double ram_allocation_ratio = 1.0;
  double disk_allocation_ratio = 1.0;
  int64_t reserved_host_cpus = 0;
  int64_t reserved_host_memory_mb = 512;
  int64_t reserved_host_disk_mb = 0;
  // Positive spreads instances over hosts (the most free resource wins); negative packs them.
  double ram_weight_multiplier = 1.0;
  double cpu_weight_multiplier = 1.0;
  double disk_weight_multiplier = 1.0;
};

}  // namespace neutrino::scheduler
