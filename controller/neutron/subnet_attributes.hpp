#pragma once
// Validation of the list-valued subnet attributes (dns_nameservers, host_routes), with
// Neutron's messages and limits.
#include <string>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"

namespace neutrino::neutron {

constexpr size_t kMaxDnsNameservers = 5;
constexpr size_t kMaxSubnetHostRoutes = 20;

struct HostRoute {
  std::string destination;
  std::string nexthop;
};

std::vector<std::string> parse_dns_nameservers(const Json& value, int ip_version);
std::vector<HostRoute> parse_host_routes(const Json& value, int ip_version);
// The gateway requested on create/update: nullopt for null, the parsed address otherwise.
std::optional<ipam::IpAddress> parse_gateway(const Json& value, const ipam::Cidr& cidr);

}  // namespace neutrino::neutron
