#pragma once
// A subnet's ipv6_ra_mode and ipv6_address_mode, validated as Neutron validates them. On SLAAC
// and DHCPv6-stateless ("automatic address") subnets a port's address is not drawn from the
// pools: it is the EUI-64 address of its MAC, the one the guest configures itself.
#include <optional>
#include <string>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"

namespace neutrino::neutron {

struct Ipv6Modes {
  std::optional<std::string> ra_mode;
  std::optional<std::string> address_mode;

  // Neutron's ipv6_utils.is_auto_address_subnet.
  bool auto_address() const;
  bool any() const { return ra_mode || address_mode; }
};

// The modes of a subnet create request. Throws api::ApiError 400 with Neutron's messages for
// a value outside slaac/dhcpv6-stateful/dhcpv6-stateless, modes on IPv4, modes with DHCP off,
// two different modes, or automatic addresses on a prefix other than /64 (EUI-64 fills 64
// bits). A null value is unset.
Ipv6Modes parse_ipv6_modes(const Json& attributes, const ipam::Cidr& cidr, bool enable_dhcp);

// A subnet update may not turn DHCP off while modes are set (400 InvalidInput).
void check_ipv6_dhcp_update(const Ipv6Modes& current, const Json& attributes);

// Neutron's device owners of router interfaces: they take a chosen address, never EUI-64.
bool is_router_interface_owner(const std::string& device_owner);

}  // namespace neutrino::neutron
