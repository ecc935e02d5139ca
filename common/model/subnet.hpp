#pragma once
// A subnet of one of the host's networks ("subnet:<id>"): what its DHCP server hands out.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct HostRoute {
  std::string destination;
  std::string nexthop;
  bool operator==(const HostRoute&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(HostRoute, destination, nexthop)

struct Subnet {
  std::string id;
  std::string network_id;
  std::string cidr;
  std::optional<std::string> gateway_ip;
  bool enable_dhcp = true;
  int64_t ip_version = 4;
  std::vector<std::string> dns_nameservers;  // in their order
  std::vector<HostRoute> host_routes;        // by destination, then next hop
  bool operator==(const Subnet&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Subnet, id, network_id, cidr, gateway_ip, enable_dhcp,
                                   ip_version, dns_nameservers, host_routes)

}  // namespace neutrino::model
