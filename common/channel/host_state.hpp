#pragma once
// A host's desired state as the push channel carries it: a map from object key ("port:<id>",
// "network:<id>", "subnet:<id>", "remote:<port id>") to the object. Keyed maps make deltas
// trivial: the controller sends only objects that changed or went away, and the agent applies
// them to its copy.
#include <map>
#include <string>

#include "common/json.hpp"

namespace neutrino::channel {

using HostState = std::map<std::string, Json>;

// {"set": {key: object}, "remove": [key]}: what turns `before` into `after`.
Json diff_host_state(const HostState& before, const HostState& after);
void apply_host_delta(HostState& state, const Json& delta);
bool delta_is_empty(const Json& delta);

}  // namespace neutrino::channel
