#pragma once
// A port of one of the host's networks bound to another host ("remote:<port id>"), with the
// tunnel IP of the host it lives behind, so the agent never floods to learn where a MAC is.
#include <string>
#include <vector>

#include "common/model/port.hpp"

namespace neutrino::model {

struct RemotePort {
  std::string id;
  std::string network_id;
  std::string mac_address;
  std::string host;
  std::string tunnel_ip;  // "" while that host's agent has not said
  std::vector<FixedIp> fixed_ips;
  // Where frames for a pair's MAC go when it is not the port's own.
  std::vector<AddressPair> allowed_address_pairs;
  bool operator==(const RemotePort&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RemotePort, id, network_id, mac_address, host, tunnel_ip,
                                   fixed_ips, allowed_address_pairs)

}  // namespace neutrino::model
