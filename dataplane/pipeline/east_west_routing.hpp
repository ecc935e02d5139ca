#pragma once
// East-west routing between the subnets of a router, on the host of the sending port (as
// Neutron's DVR and OVN do): a local port's IPv4 packet to a router interface's MAC is handed
// from kForwarding to kRouting, which for each known destination port (local or remote, on
// another of the router's interface subnets) decrements the TTL, rewrites the MACs (source: the
// destination subnet's interface, destination: the port), moves the packet to the destination
// network's lvid and delivers it as kForwarding would: to the local port (through its ingress
// firewall) or over the destination network's uplink straight to the port's host.
// Unknown destinations and TTL <= 1 are dropped.
#include <cstdint>
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_router.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

void add_east_west_routing_flows(const std::vector<LocalRouter>& routers,
                                 const PipelineInput& input, FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
