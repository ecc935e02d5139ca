#pragma once
// Modified EUI-64 interface identifiers (RFC 4291 appendix A): the address a SLAAC host forms
// from a /64 prefix and its MAC, which Neutron gives ports on SLAAC and DHCPv6-stateless
// subnets so the address it records is the one the guest configures.
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_address.hpp"
#include "controller/ipam/mac_address.hpp"

namespace neutrino::ipam {

// The prefix's upper 64 bits, then the MAC with ff:fe in its middle and the universal/local
// bit flipped: 2001:db8::/64 and fa:16:3e:12:34:56 give 2001:db8::f816:3eff:fe12:3456.
// Throws std::invalid_argument unless `prefix` is IPv6 with a prefix length of at most 64.
IpAddress eui64_address(const Cidr& prefix, const MacAddress& mac);

}  // namespace neutrino::ipam
