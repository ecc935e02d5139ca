#include "dhcp/packet_serializer.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <span>

namespace neutrino::dhcp {
namespace {

constexpr size_t kMaxInstance = 255;

void write_u16(uint8_t* p, uint16_t value) {
  p[0] = static_cast<uint8_t>(value >> 8);
  p[1] = static_cast<uint8_t>(value);
}

// One field of the aggregate option buffer. `capacity` keeps one byte back for the end
// option that terminates every field holding options.
struct Field {
  uint8_t* begin = nullptr;
  size_t capacity = 0;
  size_t used = 0;

  size_t free() const { return capacity - used; }
  void put(uint8_t code, const uint8_t* data, size_t length) {
    begin[used++] = code;
    begin[used++] = static_cast<uint8_t>(length);
    if (length > 0) {
      std::memcpy(begin + used, data, length);
    }
    used += length;
  }
};

// Bytes an option takes when written as consecutive instances of at most 255 bytes.
size_t encoded_size(size_t length) {
  const size_t instances = length == 0 ? 1 : (length + kMaxInstance - 1) / kMaxInstance;
  return length + 2 * instances;
}

void write_whole(Field& field, const DhcpOption& option) {
  const uint8_t* data = option.data.data();
  size_t left = option.data.size();
  do {
    const size_t n = std::min(left, kMaxInstance);
    field.put(option.code, data, n);
    data += n;
    left -= n;
  } while (left > 0);
}

// Spreads an option over the fields' free space, in aggregate order, as RFC 3396 allows.
// Returns false, writing nothing, when the space is not enough.
bool write_split(std::span<Field*> fields, const DhcpOption& option) {
  size_t left = option.data.size();
  for (const Field* field : fields) {
    size_t room = field->free();
    while (left > 0 && room > 2) {
      const size_t n = std::min({left, room - 2, kMaxInstance});
      left -= n;
      room -= n + 2;
    }
  }
  if (left > 0 || option.data.empty()) {
    return false;
  }
  const uint8_t* data = option.data.data();
  left = option.data.size();
  for (Field* field : fields) {
    while (left > 0 && field->free() > 2) {
      const size_t n = std::min({left, field->free() - 2, kMaxInstance});
      field->put(option.code, data, n);
      data += n;
      left -= n;
    }
  }
  return true;
}

void write_header(const DhcpPacket& packet, uint8_t* p) {
  p[0] = packet.op;
  p[1] = packet.htype;
  p[2] = packet.hlen;
  p[3] = packet.hops;
  Ipv4Address(packet.xid).to_bytes(p + 4);
  write_u16(p + 8, packet.secs);
  write_u16(p + 10, packet.flags);
  packet.ciaddr.to_bytes(p + 12);
  packet.yiaddr.to_bytes(p + 16);
  packet.siaddr.to_bytes(p + 20);
  packet.giaddr.to_bytes(p + 24);
  std::copy(packet.chaddr.begin(), packet.chaddr.end(), p + 28);
  std::copy(packet.sname.begin(), packet.sname.end(), p + kSnameOffset);
  std::copy(packet.file.begin(), packet.file.end(), p + kFileOffset);
  Ipv4Address(kMagicCookie).to_bytes(p + kCookieOffset);
}

}  // namespace

std::vector<uint8_t> serialize_dhcp_packet(const DhcpPacket& packet, size_t max_message_size) {
  const size_t limit = std::max(max_message_size, kMinMaxMessageSize) - kIpUdpHeaderSize;
  // Zero-filled, so whatever follows an end option is already pad.
  std::vector<uint8_t> out(limit, 0);
  write_header(packet, out.data());

  Field options{out.data() + kOptionsOffset, limit - kOptionsOffset - 1};
  size_t total = 0;
  for (const DhcpOption& option : packet.options.entries()) {
    if (option.code != option::kOverload && option.code != option::kPad &&
        option.code != option::kEnd) {
      total += encoded_size(option.data.size());
    }
  }

  if (total <= options.capacity) {
    for (const DhcpOption& option : packet.options.entries()) {
      if (option.code != option::kOverload && option.code != option::kPad &&
          option.code != option::kEnd) {
        write_whole(options, option);
      }
    }
  } else {
    // Option 52 must sit in the options field (RFC 2131 section 4.1); keep its 3 bytes.
    options.used = 3;
    Field file{out.data() + kFileOffset, kFileSize - 1};
    Field sname{out.data() + kSnameOffset, kSnameSize - 1};
    std::memset(file.begin, 0, kFileSize);
    std::memset(sname.begin, 0, kSnameSize);
    std::array<Field*, 3> fields = {&options, &file, &sname};
    for (const DhcpOption& option : packet.options.entries()) {
      if (option.code == option::kOverload || option.code == option::kPad ||
          option.code == option::kEnd) {
        continue;
      }
      const size_t size = encoded_size(option.data.size());
      auto whole = std::find_if(fields.begin(), fields.end(),
                                [size](const Field* field) { return field->free() >= size; });
      if (whole != fields.end()) {
        write_whole(**whole, option);
      } else {
        write_split(fields, option);
      }
    }
    const uint8_t overload = static_cast<uint8_t>((file.used > 0 ? kOverloadFile : 0) |
                                                  (sname.used > 0 ? kOverloadSname : 0));
    if (overload != 0) {
      options.begin[0] = option::kOverload;
      options.begin[1] = 1;
      options.begin[2] = overload;
    }  // else: everything fit after dropping an option; the three reserved bytes stay pad.
    if (file.used > 0) {
      file.begin[file.used] = option::kEnd;
    }
    if (sname.used > 0) {
      sname.begin[sname.used] = option::kEnd;
    }
  }
  options.begin[options.used] = option::kEnd;
  out.resize(std::max(kOptionsOffset + options.used + 1, kMinBootpSize));
  return out;
}

}  // namespace neutrino::dhcp
