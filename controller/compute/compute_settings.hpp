#pragma once
// Operator settings of the compute API, with Nova's option names and defaults: [quota]
// instances/cores/ram/key_pairs, [DEFAULT] default_availability_zone and
// default_schedule_zone, and the scheduler's ratios and weights.
#include <cstdint>
#include <optional>
#include <string>

#include "controller/scheduler/scheduler_settings.hpp"

namespace neutrino::compute {

struct QuotaSettings {
  int64_t instances = 10;
  int64_t cores = 20;
  int64_t ram = 51200;  // MB
  int64_t key_pairs = 100;
  int64_t metadata_items = 128;
  int64_t server_groups = 10;
  int64_t server_group_members = 10;
};

struct ComputeSettings {
  scheduler::SchedulerSettings scheduler;
  QuotaSettings quotas;
  // The zone of hosts whose agent names none, and the zone servers get when the user asks
  // for none (Nova's default_schedule_zone; unset: any zone).
  std::string default_availability_zone = "nova";
  std::optional<std::string> default_schedule_zone;
  // Seconds without an agent heartbeat before its compute service is down.
  int64_t service_down_time = 60;
  // How long `console log show` waits for the agent's answer.
  int console_timeout_seconds = 10;
};

}  // namespace neutrino::compute
