#pragma once
// How a routed packet, its MACs and lvid already rewritten, reaches its destination port: a
// local port through its ingress firewall (or straight out when it has none), a remote one
// tagged with its network's lvid up the network's uplink, which takes it to the port's host.
// Routing tables deliver themselves, since goto_table cannot go back to forwarding.
#include <cstdint>

#include "dataplane/pipeline/flow_text.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

FlowText& deliver_to_local(FlowText& flow, const LocalPort& port);
FlowText& deliver_to_remote(FlowText& flow, const LocalNetwork& network, std::uint32_t uplink);

}  // namespace neutrino::dataplane::pipeline
