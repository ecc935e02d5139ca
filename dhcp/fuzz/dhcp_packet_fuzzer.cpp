// libFuzzer target for the DHCP codec and server: whatever the bytes, parsing returns a
// value; a packet that parses survives a serialize/parse round trip unchanged, still parses
// when squeezed into 576 bytes, and a server that knows its MAC answers with a datagram that
// parses too. A violated property aborts, which libFuzzer reports as a crash.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "dhcp/dhcp_server.hpp"
#include "dhcp/packet_parser.hpp"
#include "dhcp/packet_serializer.hpp"
#include "dhcp/udp_datagram.hpp"

namespace {

using namespace neutrino::dhcp;

void check(bool condition) {
  if (!condition) {
    std::abort();
  }
}

DhcpServerConfig fuzz_config() {
  DhcpServerConfig config;
  config.server_id = Ipv4Address(10, 0, 0, 2);
  config.mtu = 1450;
  config.domain_name = "openstacklocal";
  DhcpSubnet subnet;
  subnet.cidr = Ipv4Cidr(Ipv4Address(10, 0, 0, 0), 24);
  subnet.gateway = Ipv4Address(10, 0, 0, 1);
  subnet.dns_servers = {Ipv4Address(8, 8, 8, 8), Ipv4Address(1, 1, 1, 1)};
  subnet.host_routes = {{Ipv4Cidr(Ipv4Address(192, 168, 0, 0), 16), Ipv4Address(10, 0, 0, 9)}};
  config.subnets.push_back(subnet);
  return config;
}

void check_round_trip(const DhcpPacket& packet) {
  // Room for everything: the options come back as they were, in the same order.
  const auto roomy = parse_dhcp_packet(serialize_dhcp_packet(packet, 65535));
  check(roomy.packet.has_value());
  check(roomy.packet->options == packet.options);
  check(roomy.packet->xid == packet.xid && roomy.packet->chaddr == packet.chaddr);

  // 576 bytes: overloading and dropping may happen, but what arrives is intact. Option 53
  // itself may be what got dropped when larger options came first.
  const auto small = serialize_dhcp_packet(packet, kMinMaxMessageSize);
  check(small.size() <= kMinMaxMessageSize - kIpUdpHeaderSize);
  const auto squeezed = parse_dhcp_packet(small);
  check(squeezed.packet.has_value() || squeezed.error == ParseError::kMissingMessageType);
  if (squeezed.packet) {
    for (const DhcpOption& option : squeezed.packet->options.entries()) {
      const auto* original = packet.options.find(option.code);
      check(original != nullptr && *original == option.data);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static DhcpServer server(fuzz_config());
  const std::span<const uint8_t> input(data, size);
  // The same bytes as the IPv4 packet the agent's packet socket reads: a payload, if one is
  // found, lies inside them.
  if (const auto datagram = parse_udp_datagram(input)) {
    check(datagram->payload.data() >= data &&
          datagram->payload.data() + datagram->payload.size() <= data + size);
  }
  const ParseResult parsed = parse_dhcp_packet(input);
  if (!parsed) {
    const DhcpOutcome outcome = server.handle(input);
    check(outcome.action == DhcpAction::kMalformed && !outcome.reply);
    return 0;
  }
  check_round_trip(*parsed.packet);

  // The last byte picks whether the port's fixed IP is the one clients in the corpus ask
  // for, so both ACK and NAK paths run.
  const MacAddress mac = parsed.packet->client_mac();
  server.upsert_host({mac, Ipv4Address(10, 0, 0, (data[size - 1] & 1) != 0 ? 5 : 6), ""});
  const DhcpOutcome outcome = server.handle(input);
  if (outcome.reply) {
    check(outcome.reply->bytes.size() <= 1450 - kIpUdpHeaderSize);
    const auto reply = parse_dhcp_packet(outcome.reply->bytes);
    check(reply.packet.has_value());
    check(reply.packet->options.contains(option::kServerId));
  }
  server.remove_host(mac);
  return 0;
}
