#pragma once
// Integration table kForwarding: by destination MAC within the frame's network (reg6). Local
// ports get their frames untagged (firewalled ones through the ingress firewall, reg5 = port);
// frames for other hosts leave through the network's uplink tagged with the lvid; broadcast,
// multicast and unknown unicast flood the network's local ports, and the uplink only when they came
// from a local port.
#include <cstdint>
#include <optional>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

void add_l2_forwarding_flows(const LocalNetwork& network, std::optional<std::uint32_t> uplink,
                             std::uint64_t cookie, FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
