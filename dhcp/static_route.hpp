#pragma once
// A route a DHCP client installs, and its RFC 3442 encoding (option 121, classless static
// routes): per route the prefix width, the significant octets of the destination, the router.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "dhcp/ipv4_address.hpp"
#include "dhcp/ipv4_cidr.hpp"

namespace neutrino::dhcp {

struct StaticRoute {
  Ipv4Cidr destination;
  Ipv4Address next_hop;

  friend bool operator==(const StaticRoute&, const StaticRoute&) = default;
};

// "10.229.0.128/25 via r" -> 25 10 229 0 128 r1 r2 r3 r4 (RFC 3442 section 1).
std::vector<uint8_t> encode_classless_routes(std::span<const StaticRoute> routes);
// The inverse. nullopt when a width exceeds 32 or a descriptor or router is cut short.
// Destination bits beyond the width are cleared, as RFC 3442 asks of clients.
std::optional<std::vector<StaticRoute>> decode_classless_routes(std::span<const uint8_t> value);

}  // namespace neutrino::dhcp
