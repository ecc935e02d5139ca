#pragma once
// Decoding of a received BOOTP/DHCP datagram (the UDP payload) with strict bounds checks:
// every read is checked against the datagram, so hostile input yields an error value.
#include <cstdint>
#include <optional>
#include <span>

#include "dhcp/dhcp_packet.hpp"
#include "dhcp/parse_error.hpp"

namespace neutrino::dhcp {

struct ParseResult {
  std::optional<DhcpPacket> packet;
  ParseError error = ParseError::kNone;

  explicit operator bool() const { return packet.has_value(); }
};

// Options are read from the options field, then from file and sname when option 52 says so
// (RFC 2131 section 4.1 order), and repeated codes are concatenated (RFC 3396). A missing
// end option at the end of a field is tolerated; pad options are skipped.
ParseResult parse_dhcp_packet(std::span<const uint8_t> datagram);

}  // namespace neutrino::dhcp
