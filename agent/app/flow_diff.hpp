#pragma once
// The flow changes that turn the flows installed under our cookie into the desired ones:
// adds for the missing (replacing a flow of the same table, priority and match), then strict
// deletes for the unwanted others, nothing for flows already right (so a restarted agent keeps
// established traffic's flows, counters and all). Adds before deletes, and no delete of what an
// add replaces, so the changes may be applied in several bundles, in order, without a packet
// meeting neither the old flow nor the new one.
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/openflow/flow_change.hpp"

namespace neutrino::agent {

std::vector<dataplane::openflow::FlowChange> flow_diff(const std::vector<std::string>& installed,
                                                       const std::vector<std::string>& desired,
                                                       std::uint64_t cookie);

// A strict delete names the flow by table, priority and match only (and our cookie, so a
// flow someone else installed with the same match is left alone).
std::string strict_delete_of(const std::string& flow, std::uint64_t cookie);

}  // namespace neutrino::agent
