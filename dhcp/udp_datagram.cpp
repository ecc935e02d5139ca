#include "dhcp/udp_datagram.hpp"

namespace neutrino::dhcp {
namespace {

constexpr uint8_t kUdp = 17;
constexpr size_t kUdpHeader = 8;

uint16_t be16(std::span<const uint8_t> bytes, size_t at) {
  return static_cast<uint16_t>(bytes[at] << 8 | bytes[at + 1]);
}

}  // namespace

std::optional<UdpDatagram> parse_udp_datagram(std::span<const uint8_t> packet) {
  if (packet.size() < 20 || packet[0] >> 4 != 4) {
    return std::nullopt;
  }
  const size_t header = static_cast<size_t>(packet[0] & 0x0f) * 4;
  const size_t total = be16(packet, 2);
  // A packet socket may hand over Ethernet padding past the IP length: total may be shorter.
  if (header < 20 || total < header + kUdpHeader || total > packet.size() || packet[9] != kUdp) {
    return std::nullopt;
  }
  // More fragments, or not the first: DHCP is never fragmented (RFC 2131 section 2).
  if ((be16(packet, 6) & 0x3fff) != 0) {
    return std::nullopt;
  }
  const auto udp = packet.subspan(header, total - header);
  const size_t length = be16(udp, 4);
  if (length < kUdpHeader || length > udp.size()) {
    return std::nullopt;
  }
  UdpDatagram out;
  out.source = Ipv4Address(packet[12], packet[13], packet[14], packet[15]);
  out.destination = Ipv4Address(packet[16], packet[17], packet[18], packet[19]);
  out.source_port = be16(udp, 0);
  out.destination_port = be16(udp, 2);
  out.payload = udp.subspan(kUdpHeader, length - kUdpHeader);
  return out;
}

}  // namespace neutrino::dhcp
