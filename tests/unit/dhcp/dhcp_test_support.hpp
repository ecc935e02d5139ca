#pragma once
// Builders for the packets a DHCP client sends and for a typical network's configuration.
#include <cstdint>
#include <initializer_list>
#include <vector>

#include "dhcp/dhcp_outcome.hpp"
#include "dhcp/dhcp_packet.hpp"
#include "dhcp/dhcp_server_config.hpp"

namespace neutrino::dhcp::testing {

inline const MacAddress kGuestMac({0xfa, 0x16, 0x3e, 0x00, 0x00, 0x05});
inline const MacAddress kStrangerMac({0xfa, 0x16, 0x3e, 0x99, 0x99, 0x99});
inline constexpr Ipv4Address kGuestIp(10, 0, 0, 5);
inline constexpr Ipv4Address kDhcpIp(10, 0, 0, 2);

// 10.0.0.0/24, gateway .1, DHCP port .2, DNS 8.8.8.8 and 8.8.4.4, a host route to
// 192.168.0.0/16 via .9, MTU 1450, domain "openstacklocal", one port kGuestMac -> kGuestIp.
DhcpServerConfig network_config();

// A client message from `mac` with xid 0x11223344 and option 53 set.
DhcpPacket client_packet(MessageType type, const MacAddress& mac = kGuestMac);
std::vector<uint8_t> encode(const DhcpPacket& packet);

// A raw BOOTREQUEST: header, magic cookie, then `options` verbatim.
std::vector<uint8_t> raw_request(std::initializer_list<uint8_t> options);

// The reply of an outcome, decoded; fails the current test when there is none.
DhcpPacket decoded_reply(const DhcpOutcome& outcome);
std::vector<uint8_t> option_codes(const DhcpPacket& packet);

}  // namespace neutrino::dhcp::testing
