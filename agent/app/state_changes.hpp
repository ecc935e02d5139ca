#pragma once
// What moved in the desired state and on the switch since the reconciler's previous pass.
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace neutrino::agent {

// What moved since the previous pass, so a part can skip work nothing asked for.
struct StateChanges {
  // Keys of the desired state set, changed or removed since the previous successful pass.
  std::set<std::string> keys;
  // Guest interfaces appeared, changed or went on the switch.
  bool interfaces = false;
  // Everything is to be checked: the first pass, a new OVS connection, a retry after failure.
  bool full = false;

  // True when a key with `prefix` ("remote:") changed, or on a full pass.
  bool touches(std::string_view prefix) const;
  static StateChanges everything() { return {.keys = {}, .interfaces = true, .full = true}; }
};

// The keys whose objects differ between `before` and `after` (set, changed or removed).
std::set<std::string> changed_keys(const std::map<std::string, Json>& before,
                                   const std::map<std::string, Json>& after);

}  // namespace neutrino::agent
