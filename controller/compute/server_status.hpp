#pragma once
// Nova's instance states and how they show: the API status derived from (vm_state,
// task_state), the status filter of server lists, the power state numbers, and how an agent's
// instance_state report (compute contract section 4) moves an instance between states.
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace neutrino::compute {

// nova.compute.power_state
enum PowerState : int {
  kNoState = 0,
  kRunning = 1,
  kPaused = 3,
  kShutdown = 4,
  kCrashed = 6,
  kSuspended = 7,
};

// "ACTIVE", "BUILD", "SHUTOFF", "REBOOT", "ERROR", ... as nova.api.openstack.common maps them.
std::string server_status(const std::string& vm_state,
                          const std::optional<std::string>& task_state);

// The vm_states and task_states a list of statuses selects; empty vm_states when none of them
// is a status Nova knows. `any_task` is true when some status selects a vm_state whatever its
// task ("ACTIVE" also matches an active server that is rebooting, as in Nova).
struct StatusFilter {
  std::set<std::string> vm_states;
  std::set<std::string> task_states;
  bool any_task = false;
  bool matches(const std::string& vm_state, const std::optional<std::string>& task_state) const;
};
StatusFilter status_filter(const std::vector<std::string>& statuses);

// An agent's power state word ("running", "shutdown", ...) as Nova's number.
int power_state_code(const std::string& agent_power_state);

// What the controller keeps of an instance's state.
struct InstanceState {
  std::string vm_state;                   // building, active, stopped, paused, error
  std::optional<std::string> task_state;  // spawning, powering-off, rebooting, deleting...
  int power_state = kNoState;
  std::string desired_power = "running";  // what the agent is asked for
};

// One instance's entry of an instance_state report.
struct StateReport {
  std::string power_state;  // running, paused, shutdown, crashed, nostate
  std::string task;         // spawning, ready, error
  bool has_fault = false;
};

// The state after a report. A guest that powers itself off becomes stopped and is then also
// wanted stopped (as Nova's power state sync stops it), so `server start` starts it again.
InstanceState apply_report(const InstanceState& current, const StateReport& report);

}  // namespace neutrino::compute
