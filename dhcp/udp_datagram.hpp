#pragma once
// The UDP payload inside an IPv4 packet, as a packet socket (AF_PACKET, SOCK_DGRAM) hands it
// over: the agent reads DHCP that way to learn each datagram's Ethernet sender, which a UDP
// socket hides. Only what the server needs is checked; anything else (fragments, options
// beyond the packet, lengths that disagree) is not a datagram.
#include <cstdint>
#include <optional>
#include <span>

#include "dhcp/ipv4_address.hpp"

namespace neutrino::dhcp {

struct UdpDatagram {
  Ipv4Address source;
  Ipv4Address destination;
  uint16_t source_port = 0;
  uint16_t destination_port = 0;
  std::span<const uint8_t> payload;  // points into the packet
};

std::optional<UdpDatagram> parse_udp_datagram(std::span<const uint8_t> ipv4_packet);

}  // namespace neutrino::dhcp
