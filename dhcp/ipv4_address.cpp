#include "dhcp/ipv4_address.hpp"

#include <ostream>

namespace neutrino::dhcp {

std::optional<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  uint32_t value = 0;
  size_t pos = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (pos >= text.size() || text[pos] != '.') {
        return std::nullopt;
      }
      ++pos;
    }
    uint32_t part = 0;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9' && digits < 4) {
      part = part * 10 + static_cast<uint32_t>(text[pos] - '0');
      ++pos;
      ++digits;
    }
    if (digits == 0 || digits > 3 || part > 255) {
      return std::nullopt;
    }
    value = (value << 8) | part;
  }
  if (pos != text.size()) {
    return std::nullopt;
  }
  return Ipv4Address(value);
}

Ipv4Address Ipv4Address::from_bytes(const uint8_t* bytes) {
  return Ipv4Address(bytes[0], bytes[1], bytes[2], bytes[3]);
}

void Ipv4Address::to_bytes(uint8_t* out) const {
  out[0] = static_cast<uint8_t>(value_ >> 24);
  out[1] = static_cast<uint8_t>(value_ >> 16);
  out[2] = static_cast<uint8_t>(value_ >> 8);
  out[3] = static_cast<uint8_t>(value_);
}

std::string Ipv4Address::to_string() const {
  return std::to_string(value_ >> 24) + "." + std::to_string((value_ >> 16) & 0xff) + "." +
         std::to_string((value_ >> 8) & 0xff) + "." + std::to_string(value_ & 0xff);
}

std::ostream& operator<<(std::ostream& out, const Ipv4Address& address) {
  return out << address.to_string();
}

}  // namespace neutrino::dhcp
