#pragma once
// Numbers from RFC 2131 (message layout, ports), RFC 2132 (option codes) and RFC 3442
// (classless static routes) that the codec and the server share.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace neutrino::dhcp {

inline constexpr uint16_t kServerPort = 67;
inline constexpr uint16_t kClientPort = 68;
inline constexpr uint32_t kMagicCookie = 0x63825363;

// The fixed BOOTP header, then the cookie, then the options field (RFC 2131 figure 1).
inline constexpr size_t kSnameOffset = 44;
inline constexpr size_t kSnameSize = 64;
inline constexpr size_t kFileOffset = 108;
inline constexpr size_t kFileSize = 128;
inline constexpr size_t kChaddrSize = 16;
inline constexpr size_t kCookieOffset = 236;
inline constexpr size_t kOptionsOffset = 240;

// Every client must accept a 576-byte IP datagram (RFC 2131 section 2); option 57 counts the
// IP and UDP headers too (RFC 2132 section 9.10), so the DHCP payload limit is 28 bytes less.
inline constexpr size_t kMinMaxMessageSize = 576;
inline constexpr size_t kIpUdpHeaderSize = 28;
// BOOTP relays and old clients drop messages shorter than a BOOTP message with its 64-byte
// vendor field (RFC 951, RFC 1542 section 2.1), so replies are padded up to this size.
inline constexpr size_t kMinBootpSize = 300;

inline constexpr uint16_t kBroadcastFlag = 0x8000;
inline constexpr uint8_t kHardwareEthernet = 1;
inline constexpr uint32_t kInfiniteLease = 0xffffffffu;

enum class BootpOp : uint8_t { kRequest = 1, kReply = 2 };

enum class MessageType : uint8_t {
  kDiscover = 1,
  kOffer = 2,
  kRequest = 3,
  kDecline = 4,
  kAck = 5,
  kNak = 6,
  kRelease = 7,
  kInform = 8,
};

namespace option {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kRouter = 3;
inline constexpr uint8_t kDnsServers = 6;
inline constexpr uint8_t kHostName = 12;
inline constexpr uint8_t kDomainName = 15;
inline constexpr uint8_t kInterfaceMtu = 26;
inline constexpr uint8_t kBroadcastAddress = 28;
inline constexpr uint8_t kRequestedIp = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kOverload = 52;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerId = 54;
inline constexpr uint8_t kParameterRequestList = 55;
inline constexpr uint8_t kMessage = 56;
inline constexpr uint8_t kMaxMessageSize = 57;
inline constexpr uint8_t kRenewalTime = 58;
inline constexpr uint8_t kRebindingTime = 59;
inline constexpr uint8_t kClientId = 61;
inline constexpr uint8_t kClasslessRoutes = 121;
inline constexpr uint8_t kEnd = 255;
}  // namespace option

// Values of option 52: which header fields carry more options.
inline constexpr uint8_t kOverloadFile = 1;
inline constexpr uint8_t kOverloadSname = 2;

constexpr std::string_view to_string(MessageType type) {
  switch (type) {
    case MessageType::kDiscover:
      return "DHCPDISCOVER";
    case MessageType::kOffer:
      return "DHCPOFFER";
    case MessageType::kRequest:
      return "DHCPREQUEST";
    case MessageType::kDecline:
      return "DHCPDECLINE";
    case MessageType::kAck:
      return "DHCPACK";
    case MessageType::kNak:
      return "DHCPNAK";
    case MessageType::kRelease:
      return "DHCPRELEASE";
    case MessageType::kInform:
      return "DHCPINFORM";
  }
  return "DHCP(unknown)";
}

}  // namespace neutrino::dhcp
