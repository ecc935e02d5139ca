#include "controller/compute/server_status.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace neutrino::compute {
namespace {

struct StatusEntry {
  const char* vm_state;
  const char* task_state;  // nullptr: the vm_state's default
  const char* status;
};

// nova.api.openstack.common._STATE_MAP, flattened.
constexpr std::array<StatusEntry, 40> kStatusMap = {{
    {"active", nullptr, "ACTIVE"},
    {"active", "rebooting", "REBOOT"},
    {"active", "reboot_pending", "REBOOT"},
    {"active", "reboot_started", "REBOOT"},
    {"active", "rebooting_hard", "HARD_REBOOT"},
    {"active", "reboot_pending_hard", "HARD_REBOOT"},
    {"active", "reboot_started_hard", "HARD_REBOOT"},
    {"active", "updating_password", "PASSWORD"},
    {"active", "rebuilding", "REBUILD"},
    {"active", "rebuild_block_device_mapping", "REBUILD"},
    {"active", "rebuild_spawning", "REBUILD"},
    {"active", "migrating", "MIGRATING"},
    {"active", "resize_prep", "RESIZE"},
    {"active", "resize_migrating", "RESIZE"},
    {"active", "resize_migrated", "RESIZE"},
    {"active", "resize_finish", "RESIZE"},
    {"building", nullptr, "BUILD"},
    {"stopped", nullptr, "SHUTOFF"},
    {"stopped", "resize_prep", "RESIZE"},
    {"stopped", "resize_migrating", "RESIZE"},
    {"stopped", "resize_migrated", "RESIZE"},
    {"stopped", "resize_finish", "RESIZE"},
    {"stopped", "rebuilding", "REBUILD"},
    {"stopped", "rebuild_block_device_mapping", "REBUILD"},
    {"stopped", "rebuild_spawning", "REBUILD"},
    {"resized", nullptr, "VERIFY_RESIZE"},
    {"resized", "resize_reverting", "REVERT_RESIZE"},
    {"paused", nullptr, "PAUSED"},
    {"paused", "migrating", "MIGRATING"},
    {"suspended", nullptr, "SUSPENDED"},
    {"rescued", nullptr, "RESCUE"},
    {"error", nullptr, "ERROR"},
    {"error", "rebuilding", "REBUILD"},
    {"error", "rebuild_block_device_mapping", "REBUILD"},
    {"error", "rebuild_spawning", "REBUILD"},
    {"deleted", nullptr, "DELETED"},
    {"soft-delete", nullptr, "SOFT_DELETED"},
    {"shelved", nullptr, "SHELVED"},
    {"shelved_offloaded", nullptr, "SHELVED_OFFLOADED"},
    {"unknown", nullptr, "UNKNOWN"},
}};

std::string upper(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return text;
}

bool powering(const std::optional<std::string>& task, const char* name) {
  return task && *task == name;
}

}  // namespace

std::string server_status(const std::string& vm_state,
                          const std::optional<std::string>& task_state) {
  const char* fallback = "UNKNOWN";
  for (const auto& entry : kStatusMap) {
    if (vm_state != entry.vm_state) {
      continue;
    }
    if (entry.task_state == nullptr) {
      fallback = entry.status;
    } else if (task_state && *task_state == entry.task_state) {
      return entry.status;
    }
  }
  return fallback;
}

bool StatusFilter::matches(const std::string& vm_state,
                           const std::optional<std::string>& task_state) const {
  if (!vm_states.contains(vm_state)) {
    return false;
  }
  return any_task || (task_state && task_states.contains(*task_state));
}

StatusFilter status_filter(const std::vector<std::string>& statuses) {
  StatusFilter filter;
  for (const auto& wanted : statuses) {
    for (const auto& entry : kStatusMap) {
      if (upper(wanted) != entry.status || std::string(entry.status) == "UNKNOWN") {
        continue;
      }
      filter.vm_states.insert(entry.vm_state);
      if (entry.task_state == nullptr) {
        filter.any_task = true;
      } else {
        filter.task_states.insert(entry.task_state);
      }
    }
  }
  return filter;
}

int power_state_code(const std::string& agent_power_state) {
  if (agent_power_state == "running")
    return kRunning;
  if (agent_power_state == "paused")
    return kPaused;
  if (agent_power_state == "shutdown")
    return kShutdown;
  if (agent_power_state == "crashed")
    return kCrashed;
  if (agent_power_state == "suspended")
    return kSuspended;
  return kNoState;
}

InstanceState apply_report(const InstanceState& current, const StateReport& report) {
  InstanceState next = current;
  next.power_state = power_state_code(report.power_state);
  if (report.task == "error") {
    next.vm_state = "error";
    next.task_state.reset();
    return next;
  }
  if (report.task == "spawning") {
    next.vm_state = "building";
    if (!current.task_state || *current.task_state != "rebooting_hard") {
      next.task_state = "spawning";
    }
    return next;
  }
  if (report.task != "ready") {
    return next;  // an unknown task word changes nothing but the power state
  }
  const auto& task = current.task_state;
  switch (next.power_state) {
    case kRunning:
      next.vm_state = "active";
      // A stop still in flight keeps its task until the guest is down.
      if (!powering(task, "powering-off")) {
        next.task_state.reset();
      }
      break;
    case kShutdown:
    case kCrashed:
      next.vm_state = "stopped";
      if (powering(task, "powering-off")) {
        next.task_state.reset();
      } else if (!powering(task, "powering-on") && !powering(task, "rebooting_hard") &&
                 !powering(task, "rebooting")) {
        next.task_state.reset();
        next.desired_power = "stopped";  // the guest powered itself off
      }
      break;
    case kPaused:
      next.vm_state = "paused";
      break;
    case kSuspended:
      next.vm_state = "suspended";
      break;
    default:
      break;
  }
  return next;
}

}  // namespace neutrino::compute
