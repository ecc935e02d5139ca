#include "controller/neutron/ipv6_modes.hpp"

#include <array>

#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

constexpr std::array<const char*, 3> kModes = {"dhcpv6-stateful", "dhcpv6-stateless", "slaac"};

api::ApiError invalid_input(const std::string& message) {
  return api::bad_request("Invalid input for operation: " + message + ".", "InvalidInput");
}

bool is_auto_mode(const std::optional<std::string>& mode) {
  return mode == "slaac" || mode == "dhcpv6-stateless";
}

std::optional<std::string> mode_of(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  const std::string value = it->is_string() ? it->get<std::string>() : it->dump();
  for (const char* mode : kModes) {
    if (value == mode) {
      return value;
    }
  }
  throw api::bad_request(std::string("Invalid input for ") + key + ". Reason: " + value +
                         " is not in ['dhcpv6-stateful', 'dhcpv6-stateless', 'slaac'].");
}

}  // namespace

bool Ipv6Modes::auto_address() const {
  return is_auto_mode(address_mode) || (!address_mode && is_auto_mode(ra_mode));
}

Ipv6Modes parse_ipv6_modes(const Json& attributes, const ipam::Cidr& cidr, bool enable_dhcp) {
  Ipv6Modes modes{mode_of(attributes, "ipv6_ra_mode"), mode_of(attributes, "ipv6_address_mode")};
  if (!modes.any()) {
    return modes;
  }
  if (cidr.version() == 4) {
    throw invalid_input(std::string(modes.ra_mode ? "ipv6_ra_mode" : "ipv6_address_mode") +
                        " is not valid when ip_version is 4");
  }
  if (!enable_dhcp) {
    throw invalid_input(
        "ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False");
  }
  if (modes.ra_mode && modes.address_mode && *modes.ra_mode != *modes.address_mode) {
    throw invalid_input("ipv6_ra_mode set to '" + *modes.ra_mode +
                        "' with ipv6_address_mode set to '" + *modes.address_mode +
                        "' is not valid. If both attributes are set, they must be the same value");
  }
  if (modes.auto_address() && cidr.prefix_length() != 64) {
    throw invalid_input("Invalid CIDR " + cidr.to_string() +
                        " for IPv6 address mode. OpenStack uses the EUI-64 address format, which "
                        "requires the prefix to be /64");
  }
  return modes;
}

void check_ipv6_dhcp_update(const Ipv6Modes& current, const Json& attributes) {
  const auto it = attributes.find("enable_dhcp");
  if (it != attributes.end() && it->is_boolean() && !it->get<bool>() && current.any()) {
    throw invalid_input("Cannot disable enable_dhcp with ipv6 attributes set");
  }
}

bool is_router_interface_owner(const std::string& device_owner) {
  return device_owner == "network:router_interface" ||
         device_owner == "network:router_interface_distributed" ||
         device_owner == "network:ha_router_replicated_interface" ||
         device_owner == "network:router_centralized_snat";
}

}  // namespace neutrino::neutron
