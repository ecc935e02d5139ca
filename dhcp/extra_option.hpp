#pragma once
// A port's extra DHCP option (Neutron's extra_dhcp_opts) as the bytes a reply carries. Names
// are dnsmasq's ("tftp-server", "mtu", "classless-static-route"), which is what Neutron hands
// dnsmasq; a number names the code ("66"), encoded by the code's known type or, for a code
// without one, as addresses when the value is a list of them and as text otherwise.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "dhcp/ipv4_address.hpp"

namespace neutrino::dhcp {

struct ExtraOption {
  // The option code; 0 for "server-ip-address", which is no option but the header's siaddr
  // (the next server a PXE client loads from).
  uint8_t code = 0;
  std::vector<uint8_t> data;  // empty: the option is withheld (a blank "router")
  Ipv4Address next_server;    // for code 0
};

// nullopt for a name dnsmasq would not know, a value that does not fit the option's type, or
// a code the server itself decides (message type, server identifier, lease time, ...).
std::optional<ExtraOption> encode_extra_option(std::string_view name, std::string_view value);

}  // namespace neutrino::dhcp
