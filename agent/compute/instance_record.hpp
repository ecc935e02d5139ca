#pragma once
// What the agent knows of one instance: what the controller wants, what the hypervisor shows,
// what the agent last enforced, and what it reports (contract §4). next_action() is the whole
// decision of the compute logic, as a pure function, so tests can walk every case.
#include <chrono>
#include <optional>
#include <string>

#include "agent/compute/desired_instance.hpp"
#include "common/json.hpp"
#include "compute/driver/power_state.hpp"

namespace neutrino::agent {

enum class Task { kSpawning, kReady, kError };
std::string to_string(Task task);

struct Fault {
  std::string message;
  std::string details;
};

struct InstanceRecord {
  std::optional<DesiredInstance> desired;  // nullopt: gone from the state, to be destroyed
  std::string id;
  std::string name;  // the domain's, kept after `desired` goes
  Task task = Task::kSpawning;
  std::optional<Fault> fault;
  bool busy = false;       // an action runs on a worker
  bool defined = false;    // a domain of ours exists or existed
  bool looked_up = false;  // a domain listing since the record exists: it may be spawned
  std::optional<compute::PowerState> power;  // nullopt: no domain
  // The start_count and reboot_count the agent last carried out (or found moot): counters,
  // not edges, so a stop and a start the controller sends as one change are never lost.
  int64_t applied_start = 0;
  int64_t applied_reboot = 0;
  std::chrono::steady_clock::time_point waiting_since;  // paused, waiting for its ports
  std::chrono::steady_clock::time_point retry_after;    // after a failed action

  Json report() const;  // {"id", "power_state", "task", "fault"}
};

enum class Action { kNone, kSpawn, kResume, kPowerOff, kPowerOn, kReboot, kDestroy, kPlugTimeout };
std::string to_string(Action action);

struct PlanInputs {
  bool ports_up = false;  // every port of the instance is wired and acked up
  std::chrono::steady_clock::time_point now;
  std::chrono::seconds vif_plugging_timeout{300};
};

Action next_action(const InstanceRecord& record, const PlanInputs& inputs);

}  // namespace neutrino::agent
