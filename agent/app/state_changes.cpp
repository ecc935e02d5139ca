#include "agent/app/state_changes.hpp"

namespace neutrino::agent {

void StateChanges::add(const model::ChangedObjects& changed) {
  for (const auto& entry : changed) {
    objects[entry.first].insert(entry.second.begin(), entry.second.end());
  }
}

}  // namespace neutrino::agent
