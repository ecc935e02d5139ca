#pragma once
// One BOOTP/DHCP message, decoded (RFC 2131 section 2). Options that were overloaded into
// sname/file are already merged into `options`; sname and file keep their raw bytes.
#include <array>
#include <cstdint>
#include <optional>

#include "dhcp/dhcp_constants.hpp"
#include "dhcp/dhcp_options.hpp"
#include "dhcp/ipv4_address.hpp"
#include "dhcp/mac_address.hpp"

namespace neutrino::dhcp {

struct DhcpPacket {
  uint8_t op = static_cast<uint8_t>(BootpOp::kRequest);
  uint8_t htype = kHardwareEthernet;
  uint8_t hlen = 6;
  uint8_t hops = 0;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint16_t flags = 0;
  Ipv4Address ciaddr;
  Ipv4Address yiaddr;
  Ipv4Address siaddr;
  Ipv4Address giaddr;
  std::array<uint8_t, kChaddrSize> chaddr{};
  std::array<uint8_t, kSnameSize> sname{};
  std::array<uint8_t, kFileSize> file{};
  DhcpOptions options;

  // Option 53. The parser refuses a message without one, so it is set on parsed packets;
  // the value may still be one this server does not handle (LEASEQUERY and later).
  std::optional<MessageType> message_type() const;
  void set_message_type(MessageType type);
  bool broadcast_flag() const { return (flags & kBroadcastFlag) != 0; }
  // The first six bytes of chaddr: the client's MAC when htype is Ethernet and hlen 6.
  MacAddress client_mac() const { return MacAddress::from_bytes(chaddr.data()); }
  void set_client_mac(const MacAddress& mac);
};

}  // namespace neutrino::dhcp
