#pragma once
// The tunnel bridge (br-tun): patch-int plus one VXLAN port (key=flow) per peer host.
// lvid <-> VNI translation; unicast to the host behind a MAC, floods only to the hosts that
// have a port on the network.
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

FlowSet compile_tunnel_bridge(const std::vector<LocalNetwork>& networks,
                              const PipelineInput& input);

}  // namespace neutrino::dataplane::pipeline
