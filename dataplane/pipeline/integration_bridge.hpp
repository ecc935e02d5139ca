#pragma once
// The integration bridge (br-int): guest ports, patch-tun and int-<physnet>. Classification
// into a network (reg6 = lvid), port security, ARP responder, the egress firewall, L2
// forwarding, the ingress firewall.
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

FlowSet compile_integration_bridge(const std::vector<LocalNetwork>& networks,
                                   const PipelineInput& input);

}  // namespace neutrino::dataplane::pipeline
