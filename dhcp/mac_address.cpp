#include "dhcp/mac_address.hpp"

#include <ostream>

namespace neutrino::dhcp {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

std::optional<MacAddress> MacAddress::parse(std::string_view text) {
  if (text.size() != 17) {
    return std::nullopt;
  }
  std::array<uint8_t, 6> octets{};
  for (size_t i = 0; i < 6; ++i) {
    const int high = hex_value(text[i * 3]);
    const int low = hex_value(text[i * 3 + 1]);
    if (high < 0 || low < 0) {
      return std::nullopt;
    }
    if (i < 5 && text[i * 3 + 2] != ':' && text[i * 3 + 2] != '-') {
      return std::nullopt;
    }
    octets[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return MacAddress(octets);
}

MacAddress MacAddress::from_bytes(const uint8_t* bytes) {
  return MacAddress({bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5]});
}

uint64_t MacAddress::to_u64() const {
  uint64_t value = 0;
  for (uint8_t octet : octets_) {
    value = (value << 8) | octet;
  }
  return value;
}

std::string MacAddress::to_string() const {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(17);
  for (size_t i = 0; i < octets_.size(); ++i) {
    if (i > 0) {
      text.push_back(':');
    }
    text.push_back(kHex[octets_[i] >> 4]);
    text.push_back(kHex[octets_[i] & 0xf]);
  }
  return text;
}

std::ostream& operator<<(std::ostream& out, const MacAddress& mac) {
  return out << mac.to_string();
}

}  // namespace neutrino::dhcp
