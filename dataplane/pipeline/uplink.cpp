#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {

std::optional<std::uint32_t> integration_uplink(const LocalNetwork& network,
                                                const PipelineInput& input) {
  switch (network.type) {
    case NetworkType::kVxlan:
      return network.segmentation_id ? input.patch_tun : std::nullopt;
    case NetworkType::kVlan:
      if (!network.segmentation_id) {
        return std::nullopt;
      }
      [[fallthrough]];
    case NetworkType::kFlat: {
      const auto it = input.physnets.find(network.physical_network);
      return it != input.physnets.end() ? it->second.int_patch : std::nullopt;
    }
    case NetworkType::kLocal:
      break;
  }
  return std::nullopt;
}

}  // namespace neutrino::dataplane::pipeline
