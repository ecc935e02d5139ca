#include "dhcp/subnet_profile.hpp"

#include <algorithm>

namespace neutrino::dhcp {
namespace {

const Ipv4Cidr kMetadataCidr(Ipv4Address(169, 254, 169, 254), 32);

bool has_route_to(const std::vector<StaticRoute>& routes, const Ipv4Cidr& destination) {
  return std::any_of(routes.begin(), routes.end(),
                     [&](const StaticRoute& route) { return route.destination == destination; });
}

uint32_t fraction_of(uint32_t lease, uint32_t numerator, uint32_t denominator) {
  if (lease == kInfiniteLease) {
    return kInfiniteLease;
  }
  return static_cast<uint32_t>(uint64_t{lease} * numerator / denominator);
}

// Option 121: the subnet's own routes first (an operator's route to the metadata address or
// default route wins), then the metadata route, then the default route, which must be here
// because clients that accept option 121 ignore option 3 (RFC 3442 section 1).
std::vector<StaticRoute> classless_routes(const DhcpServerConfig& config, const DhcpSubnet& subnet,
                                          Ipv4Address server) {
  std::vector<StaticRoute> routes = subnet.host_routes;
  if (config.metadata_route && !has_route_to(routes, kMetadataCidr)) {
    routes.push_back({kMetadataCidr, server});
  }
  if (subnet.gateway && !routes.empty() && !has_route_to(routes, Ipv4Cidr())) {
    routes.push_back({Ipv4Cidr(), *subnet.gateway});
  }
  return routes;
}

}  // namespace

SubnetProfile::SubnetProfile(const DhcpServerConfig& config, const DhcpSubnet& subnet)
    : cidr_(subnet.cidr),
      server_address_(subnet.dhcp_address.value_or(config.server_id)),
      lease_seconds_(config.lease_seconds) {
  options_.set_address(option::kSubnetMask, cidr_.netmask());
  if (const auto broadcast = cidr_.broadcast()) {
    options_.set_address(option::kBroadcastAddress, *broadcast);
  }
  if (subnet.gateway) {
    options_.set_address(option::kRouter, *subnet.gateway);
  }
  if (!subnet.dns_servers.empty()) {
    options_.set_addresses(option::kDnsServers, subnet.dns_servers);
  }
  if (!config.domain_name.empty()) {
    options_.set_string(option::kDomainName, config.domain_name);
  }
  if (config.mtu != 0) {
    options_.set_u16(option::kInterfaceMtu, config.mtu);
  }
  const auto routes = classless_routes(config, subnet, server_address_);
  if (!routes.empty()) {
    options_.set(option::kClasslessRoutes, encode_classless_routes(routes));
  }
  options_.set_u32(option::kRenewalTime, fraction_of(lease_seconds_, 1, 2));
  options_.set_u32(option::kRebindingTime, fraction_of(lease_seconds_, 7, 8));
}

}  // namespace neutrino::dhcp
