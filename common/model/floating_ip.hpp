#pragma once
// An associated floating IP ("floatingip:<id>"), sent to the hosts that hold its router: the
// external address, the fixed address and port it maps to 1:1, the router that joins the port's
// subnet to the external network, and the MAC the address answers with on that network.
#include <string>

#include "common/json.hpp"

namespace neutrino::model {

struct FloatingIp {
  std::string id;
  std::string floating_ip_address;
  std::string floating_network_id;
  std::string fixed_ip_address;
  std::string port_id;
  std::string router_id;
  std::string mac_address;  // the floating IP port's: it answers ARP for the address with it
  bool operator==(const FloatingIp&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FloatingIp, id, floating_ip_address, floating_network_id,
                                   fixed_ip_address, port_id, router_id, mac_address)

}  // namespace neutrino::model
