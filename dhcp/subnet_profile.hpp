#pragma once
// The options every client of one subnet gets, encoded once per configuration rather than
// once per packet: mask, broadcast, router, DNS, domain, MTU, classless routes, T1/T2.
#include <cstdint>

#include "dhcp/dhcp_options.hpp"
#include "dhcp/dhcp_server_config.hpp"

namespace neutrino::dhcp {

class SubnetProfile {
 public:
  SubnetProfile(const DhcpServerConfig& config, const DhcpSubnet& subnet);

  const Ipv4Cidr& cidr() const { return cidr_; }
  // Option 54 for this subnet's clients, and the metadata route's next hop.
  Ipv4Address server_address() const { return server_address_; }
  uint32_t lease_seconds() const { return lease_seconds_; }
  // Encoded values by code. Holds neither 12 (per host) nor 51 (mandatory, added apart).
  const DhcpOptions& options() const { return options_; }

 private:
  Ipv4Cidr cidr_;
  Ipv4Address server_address_;
  uint32_t lease_seconds_;
  DhcpOptions options_;
};

}  // namespace neutrino::dhcp
