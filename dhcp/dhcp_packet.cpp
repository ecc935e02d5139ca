#include "dhcp/dhcp_packet.hpp"

#include <algorithm>

namespace neutrino::dhcp {

std::optional<MessageType> DhcpPacket::message_type() const {
  const auto value = options.u8(option::kMessageType);
  if (!value) {
    return std::nullopt;
  }
  return static_cast<MessageType>(*value);
}

void DhcpPacket::set_message_type(MessageType type) {
  options.set_u8(option::kMessageType, static_cast<uint8_t>(type));
}

void DhcpPacket::set_client_mac(const MacAddress& mac) {
  chaddr.fill(0);
  std::copy(mac.octets().begin(), mac.octets().end(), chaddr.begin());
  htype = kHardwareEthernet;
  hlen = 6;
}

}  // namespace neutrino::dhcp
