#include "agent/app/state_changes.hpp"

namespace neutrino::agent {

bool StateChanges::touches(std::string_view prefix) const {
  if (full) {
    return true;
  }
  // Keys sort by prefix: the first key not below `prefix` tells.
  const auto it = keys.lower_bound(std::string(prefix));
  return it != keys.end() && std::string_view(*it).starts_with(prefix);
}

std::set<std::string> changed_keys(const std::map<std::string, Json>& before,
                                   const std::map<std::string, Json>& after) {
  std::set<std::string> changed;
  auto old_it = before.begin();
  auto new_it = after.begin();
  // One merge walk over both sorted maps.
  while (old_it != before.end() || new_it != after.end()) {
    if (new_it == after.end() || (old_it != before.end() && old_it->first < new_it->first)) {
      changed.insert((old_it++)->first);
    } else if (old_it == before.end() || new_it->first < old_it->first) {
      changed.insert((new_it++)->first);
    } else {
      if (old_it->second != new_it->second) {
        changed.insert(new_it->first);
      }
      ++old_it;
      ++new_it;
    }
  }
  return changed;
}

}  // namespace neutrino::agent
