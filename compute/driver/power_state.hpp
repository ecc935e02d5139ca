#pragma once
// A guest's power state as Nova reports it (OS-EXT-STS:power_state) and as the agent tells
// the controller (contract §4): "running", "paused", "shutdown", "crashed", "nostate".
#include <string>

namespace neutrino::compute {

enum class PowerState { kNoState, kRunning, kPaused, kShutdown, kCrashed };

// "running", "paused", ...
std::string to_string(PowerState state);

}  // namespace neutrino::compute
