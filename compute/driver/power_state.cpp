#include "compute/driver/power_state.hpp"

namespace neutrino::compute {

std::string to_string(PowerState state) {
  switch (state) {
    case PowerState::kRunning:
      return "running";
    case PowerState::kPaused:
      return "paused";
    case PowerState::kShutdown:
      return "shutdown";
    case PowerState::kCrashed:
      return "crashed";
    case PowerState::kNoState:
      break;
  }
  return "nostate";
}

}  // namespace neutrino::compute
