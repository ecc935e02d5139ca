#pragma once
// Source NAT of a router's ports without a floating IP, through the router's gateway address
// on its gateway host (docs/pipeline.md, "Source NAT"). The gateway host answers ARP for the
// gateway address, NATs what the router's networks send outside (from its own ports, and from
// other hosts') in the router's conntrack zone, and routes the replies back to the ports
// wherever they are. Every other host holding the router sends its ports' outbound packets to
// it over the network they came from: still addressed to the router interface's MAC over
// VXLAN, to the gateway port's MAC on a VLAN or flat network. Without source NAT (enable_snat
// false) the gateway host routes the ports' own addresses both ways.
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_gateway.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// br-int.
void add_source_nat_flows(const std::vector<LocalGateway>& gateways, const PipelineInput& input,
                          FlowSet& flows);
// br-tun on the other hosts: a router interface's MAC on a VXLAN network leads to the gateway
// host.
void add_gateway_tunnel_flows(const std::vector<LocalGateway>& gateways, const PipelineInput& input,
                              FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
