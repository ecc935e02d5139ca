#pragma once
// What a port carries besides its addresses: the allowed address pairs anti-spoofing admits
// and the extra DHCP options its DHCP server sends it (Neutron's allowed-address-pairs and
// extra_dhcp_opt).
#include <cstdint>
#include <string>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct AddressPair {
  std::string ip_address;   // an address or a CIDR, v4 or v6
  std::string mac_address;  // the port's own unless the pair names another
  bool operator==(const AddressPair&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(AddressPair, ip_address, mac_address)

struct ExtraDhcpOpt {
  std::string opt_name;  // dnsmasq's name ("tftp-server") or a number ("66")
  std::string opt_value;
  std::int64_t ip_version = 4;
  bool operator==(const ExtraDhcpOpt&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(ExtraDhcpOpt, opt_name, opt_value, ip_version)

}  // namespace neutrino::model
