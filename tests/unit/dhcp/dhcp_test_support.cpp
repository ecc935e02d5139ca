#include "tests/unit/dhcp/dhcp_test_support.hpp"

#include <gtest/gtest.h>

#include "dhcp/packet_parser.hpp"
#include "dhcp/packet_serializer.hpp"

namespace neutrino::dhcp::testing {

DhcpServerConfig network_config() {
  DhcpServerConfig config;
  config.server_id = kDhcpIp;
  config.mtu = 1450;
  config.domain_name = "openstacklocal";
  DhcpSubnet subnet;
  subnet.cidr = *Ipv4Cidr::parse("10.0.0.0/24");
  subnet.gateway = Ipv4Address(10, 0, 0, 1);
  subnet.dns_servers = {Ipv4Address(8, 8, 8, 8), Ipv4Address(8, 8, 4, 4)};
  subnet.host_routes = {{*Ipv4Cidr::parse("192.168.0.0/16"), Ipv4Address(10, 0, 0, 9)}};
  config.subnets.push_back(subnet);
  config.hosts.push_back({kGuestMac, kGuestIp, ""});
  return config;
}

DhcpPacket client_packet(MessageType type, const MacAddress& mac) {
  DhcpPacket packet;
  packet.xid = 0x11223344;
  packet.set_client_mac(mac);
  packet.set_message_type(type);
  return packet;
}

std::vector<uint8_t> encode(const DhcpPacket& packet) {
  return serialize_dhcp_packet(packet, 1500);
}

std::vector<uint8_t> raw_request(std::initializer_list<uint8_t> options) {
  std::vector<uint8_t> bytes(kOptionsOffset, 0);
  bytes[0] = 1;
  bytes[1] = 1;
  bytes[2] = 6;
  bytes[4] = 0xde;
  bytes[5] = 0xad;
  bytes[6] = 0xbe;
  bytes[7] = 0xef;
  const auto& mac = kGuestMac.octets();
  std::copy(mac.begin(), mac.end(), bytes.begin() + 28);
  Ipv4Address(kMagicCookie).to_bytes(bytes.data() + kCookieOffset);
  bytes.insert(bytes.end(), options.begin(), options.end());
  return bytes;
}

DhcpPacket decoded_reply(const DhcpOutcome& outcome) {
  if (!outcome.reply) {
    ADD_FAILURE() << "no reply; action " << to_string(outcome.action);
    return {};
  }
  auto parsed = parse_dhcp_packet(outcome.reply->bytes);
  if (!parsed) {
    ADD_FAILURE() << "reply does not parse: " << to_string(parsed.error);
    return {};
  }
  return *parsed.packet;
}

std::vector<uint8_t> option_codes(const DhcpPacket& packet) {
  std::vector<uint8_t> codes;
  for (const DhcpOption& option : packet.options.entries()) {
    codes.push_back(option.code);
  }
  return codes;
}

}  // namespace neutrino::dhcp::testing
