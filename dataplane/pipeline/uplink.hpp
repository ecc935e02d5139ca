#pragma once
// Where a network's frames leave the integration bridge for other hosts: patch-tun for VXLAN,
// int-<physnet> for VLAN and flat networks; none for "local" networks, or while the wiring
// (patch port, bridge mapping, segmentation id) is missing, in which case the network is
// compiled host-local.
#include <cstdint>
#include <optional>

#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

std::optional<std::uint32_t> integration_uplink(const LocalNetwork& network,
                                                const PipelineInput& input);

}  // namespace neutrino::dataplane::pipeline
