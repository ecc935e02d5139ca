#pragma once
// A router one of the host's networks is attached to ("router:<id>"): its interfaces (one per
// subnet, with the port holding the subnet's gateway address), its external gateway (the
// gateway port's address on the external network, and whether it source-NATs) and its static
// routes, and the host its gateway lives on. The pipeline routes between the interfaces' subnets on
// every host that holds it.
#include <optional>
#include <string>
#include <vector>

#include "common/model/nullable.hpp"
#include "common/model/subnet.hpp"

namespace neutrino::model {

struct RouterInterface {
  std::string subnet_id;
  std::string network_id;
  std::string cidr;
  std::string port_id;
  std::string ip_address;
  std::string mac_address;
  bool operator==(const RouterInterface&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(RouterInterface, subnet_id, network_id, cidr, port_id,
                                   ip_address, mac_address)

struct RouterGateway {
  std::string network_id;
  std::string port_id;
  std::string ip_address;  // the first address of the gateway port
  std::string cidr;        // its subnet
  std::string mac_address;
  bool enable_snat = true;
  // The host the controller chose to answer for the gateway and source-NAT (fanout's
  // gateway_host.hpp); "" while no connected agent reaches the external network.
  std::string host;
  std::string host_tunnel_ip;  // that host's VXLAN endpoint, where the others send to it
  bool operator==(const RouterGateway&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(RouterGateway, network_id, port_id, ip_address,
                                                cidr, mac_address, enable_snat, host,
                                                host_tunnel_ip)

struct Router {
  std::string id;
  bool admin_state_up = true;
  std::vector<RouterInterface> interfaces;  // by subnet id
  std::optional<RouterGateway> gateway;
  std::vector<HostRoute> routes;  // by destination, then next hop
  bool operator==(const Router&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Router, id, admin_state_up, interfaces, gateway, routes)

}  // namespace neutrino::model
