#include "dhcp/packet_parser.hpp"

#include <algorithm>
#include <utility>

namespace neutrino::dhcp {
namespace {

uint16_t read_u16(const uint8_t* p) {
  return static_cast<uint16_t>((p[0] << 8) | p[1]);
}

uint32_t read_u32(const uint8_t* p) {
  return Ipv4Address::from_bytes(p).value();
}

// Reads one field of the aggregate option buffer into `options`. Only the options field may
// carry option 52 (RFC 2131 section 4.1): accepting it in sname/file would let a packet
// declare overloads from inside the overloaded fields.
ParseError parse_field(std::span<const uint8_t> field, bool is_options_field, DhcpOptions& options,
                       uint8_t& overload) {
  size_t i = 0;
  while (i < field.size()) {
    const uint8_t code = field[i++];
    if (code == option::kPad) {
      continue;
    }
    if (code == option::kEnd) {
      return ParseError::kNone;
    }
    if (i >= field.size()) {
      return ParseError::kOptionOverrun;
    }
    const size_t length = field[i++];
    if (length > field.size() - i) {
      return ParseError::kOptionOverrun;
    }
    const auto value = field.subspan(i, length);
    i += length;
    if (code == option::kOverload) {
      if (!is_options_field || overload != 0 || length != 1 || value[0] < 1 || value[0] > 3) {
        return ParseError::kBadOverload;
      }
      overload = value[0];
      continue;
    }
    options.append(code, value);
  }
  return ParseError::kNone;
}

// Sizes of the options the server interprets: anything else would make it read garbage.
ParseError check_option_sizes(const DhcpOptions& options) {
  static constexpr std::pair<uint8_t, size_t> kFixedSizes[] = {
      {option::kMessageType, 1}, {option::kRequestedIp, 4},    {option::kLeaseTime, 4},
      {option::kServerId, 4},    {option::kMaxMessageSize, 2},
  };
  for (const auto& [code, size] : kFixedSizes) {
    const auto* value = options.find(code);
    if (value != nullptr && value->size() != size) {
      return ParseError::kBadOptionLength;
    }
  }
  const auto type = options.u8(option::kMessageType);
  if (!type) {
    return ParseError::kMissingMessageType;
  }
  return *type == 0 ? ParseError::kBadMessageType : ParseError::kNone;
}

ParseResult failure(ParseError error) {
  return ParseResult{std::nullopt, error};
}

}  // namespace

ParseResult parse_dhcp_packet(std::span<const uint8_t> datagram) {
  if (datagram.size() < kOptionsOffset) {
    return failure(ParseError::kTruncated);
  }
  const uint8_t* p = datagram.data();
  DhcpPacket packet;
  packet.op = p[0];
  if (packet.op != static_cast<uint8_t>(BootpOp::kRequest) &&
      packet.op != static_cast<uint8_t>(BootpOp::kReply)) {
    return failure(ParseError::kBadOp);
  }
  packet.htype = p[1];
  packet.hlen = p[2];
  if (packet.hlen > kChaddrSize) {
    return failure(ParseError::kBadHardwareLength);
  }
  packet.hops = p[3];
  packet.xid = read_u32(p + 4);
  packet.secs = read_u16(p + 8);
  packet.flags = read_u16(p + 10);
  packet.ciaddr = Ipv4Address(read_u32(p + 12));
  packet.yiaddr = Ipv4Address(read_u32(p + 16));
  packet.siaddr = Ipv4Address(read_u32(p + 20));
  packet.giaddr = Ipv4Address(read_u32(p + 24));
  std::copy_n(p + 28, kChaddrSize, packet.chaddr.begin());
  std::copy_n(p + kSnameOffset, kSnameSize, packet.sname.begin());
  std::copy_n(p + kFileOffset, kFileSize, packet.file.begin());
  if (read_u32(p + kCookieOffset) != kMagicCookie) {
    return failure(ParseError::kBadCookie);
  }

  uint8_t overload = 0;
  ParseError error = parse_field(datagram.subspan(kOptionsOffset), true, packet.options, overload);
  // RFC 3396 section 6: the aggregate buffer is options, then file, then sname.
  if (error == ParseError::kNone && (overload & kOverloadFile) != 0) {
    error = parse_field(std::span(packet.file), false, packet.options, overload);
  }
  if (error == ParseError::kNone && (overload & kOverloadSname) != 0) {
    error = parse_field(std::span(packet.sname), false, packet.options, overload);
  }
  if (error == ParseError::kNone) {
    error = check_option_sizes(packet.options);
  }
  if (error != ParseError::kNone) {
    return failure(error);
  }
  return ParseResult{std::move(packet), ParseError::kNone};
}

}  // namespace neutrino::dhcp
