#pragma once
// Floating IPs, NATed 1:1 with conntrack on the host of their port (docs/pipeline.md, "Floating
// IPs: where NAT happens and why"). From the external network: the floating address answers
// ARP with the floating IP port's MAC, and packets to it are DNATed to the fixed address in the
// external network's zone and routed to the port through its ingress firewall. From the port:
// what it sends through its router to a destination outside the router's subnets is SNATed to
// the floating address and leaves on the external network's uplink, from the floating IP's MAC
// to the next hop's MAC, which table kNeighbours learns from the ARP the external network sends.
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_floating_ip.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

void add_floating_ip_flows(const std::vector<LocalFloatingIp>& fips, const PipelineInput& input,
                           FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
