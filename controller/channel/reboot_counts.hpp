#pragma once
// The reboot counters a state sent to an agent carries: each instance's id and reboot_count,
// read from its "instance:<id>" objects through the typed model (common/model/instance.hpp),
// so the session can report them applied once the agent acknowledges that state.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "controller/fanout/host_deltas.hpp"

namespace neutrino::channel {

using RebootCounts = std::vector<std::pair<std::string, int64_t>>;  // instance id, count

// `objects` is {key: object}, a snapshot's state or a delta's "set".
RebootCounts reboot_counts(const Json& objects);
// The objects a follower's delta for one host sets.
RebootCounts reboot_counts(const fanout::HostDeltas::Changes& changes);

}  // namespace neutrino::channel
