#include "agent/compute/instance_record.hpp"

namespace neutrino::agent {

using compute::PowerState;

std::string to_string(Task task) {
  switch (task) {
    case Task::kSpawning:
      return "spawning";
    case Task::kReady:
      return "ready";
    case Task::kError:
      break;
  }
  return "error";
}

std::string to_string(Action action) {
  static const char* names[] = {"none",     "spawn",  "resume",  "power off",
                                "power on", "reboot", "destroy", "plug timeout"};
  return names[static_cast<int>(action)];
}

Json InstanceRecord::report() const {
  Json out = {{"id", id},
              {"power_state", compute::to_string(power.value_or(PowerState::kNoState))},
              {"task", to_string(task)},
              {"fault", nullptr}};
  if (fault) {
    out["fault"] = {{"message", fault->message}, {"details", fault->details}};
  }
  return out;
}

Action next_action(const InstanceRecord& r, const PlanInputs& in) {
  if (r.busy) {
    return Action::kNone;
  }
  if (!r.desired) {
    return Action::kDestroy;
  }
  if (r.task == Task::kError || in.now < r.retry_after) {
    return Action::kNone;
  }
  const DesiredInstance& want = *r.desired;
  if (!r.power) {
    // No domain: build one, unless ours vanished behind our back (reported as nostate).
    return r.task == Task::kSpawning && !r.defined ? Action::kSpawn : Action::kNone;
  }
  const PowerState power = *r.power;
  const bool active = power == PowerState::kRunning || power == PowerState::kPaused;
  if (r.task == Task::kSpawning) {
    if (power != PowerState::kPaused) {
      return Action::kNone;  // the caller marks it ready
    }
    if (in.ports_up) {
      return want.running ? Action::kResume : Action::kPowerOff;
    }
    return in.now - r.waiting_since > in.vif_plugging_timeout ? Action::kPlugTimeout
                                                              : Action::kNone;
  }
  if (!want.running) {
    return active ? Action::kPowerOff : Action::kNone;
  }
  if (want.reboot_count > r.applied_reboot) {
    return Action::kReboot;
  }
  // Off while it should run: start it only for a start the user asked for since; a guest that
  // powered itself off stays off, as in Nova, until `server start`.
  if (!active && want.start_count > r.applied_start) {
    return Action::kPowerOn;
  }
  return Action::kNone;
}

}  // namespace neutrino::agent
