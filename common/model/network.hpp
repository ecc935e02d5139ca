#pragma once
// A network with a port on the host ("network:<id>"), with its one segment.
#include <cstdint>
#include <optional>
#include <string>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct Network {
  std::string id;
  int64_t mtu = 1500;
  bool admin_state_up = true;
  std::string network_type;  // "vxlan", "vlan", "flat"
  std::optional<std::string> physical_network;
  std::optional<int64_t> segmentation_id;
  bool operator==(const Network&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Network, id, mtu, admin_state_up, network_type, physical_network,
                                   segmentation_id)

}  // namespace neutrino::model
