#pragma once
// A datagram the server wants sent, with where to send it (RFC 2131 section 4.1), so the
// agent can use a UDP socket (broadcast, or unicast to a client that has its address) or a
// raw socket (unicast to a client that has none yet: IP yiaddr, Ethernet chaddr).
#include <cstdint>
#include <vector>

#include "dhcp/dhcp_constants.hpp"
#include "dhcp/ipv4_address.hpp"
#include "dhcp/mac_address.hpp"

namespace neutrino::dhcp {

struct DhcpReply {
  // The UDP payload.
  std::vector<uint8_t> bytes;
  // The server identifier in the reply: the source address to send from.
  Ipv4Address source_ip;
  // 255.255.255.255 when broadcast; otherwise ciaddr or yiaddr.
  Ipv4Address destination_ip;
  uint16_t destination_port = kClientPort;
  bool broadcast = false;
  // ff:ff:ff:ff:ff:ff when broadcast, else the client's chaddr.
  MacAddress destination_mac;
};

}  // namespace neutrino::dhcp
