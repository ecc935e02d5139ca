#pragma once
// A physical network's bridge (br-<physnet>): phy-<physnet> to the integration bridge plus
// the NIC(s) the operator added. Translates lvid <-> segmentation id in both directions, so
// the integration bridge only ever sees lvids, and lets nothing from the physical side in
// that is not a network present on this host.
#include <cstdint>
#include <string>
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

FlowSet compile_physnet_bridge(const std::vector<LocalNetwork>& networks,
                               const std::string& physnet, const PhysnetWiring& wiring,
                               std::uint64_t cookie);

}  // namespace neutrino::dataplane::pipeline
