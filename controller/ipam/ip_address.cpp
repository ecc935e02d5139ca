#include "controller/ipam/ip_address.hpp"

#include <arpa/inet.h>

#include <ostream>
#include <stdexcept>

namespace neutrino::ipam {

IpAddress::IpAddress(int version, uint128 value) : version_(version), value_(value) {
  if (version != 4 && version != 6) {
    throw std::invalid_argument("IP version must be 4 or 6");
  }
  if (value > max_value(version)) {
    throw std::invalid_argument("value does not fit an IPv4 address");
  }
}

uint128 IpAddress::max_value(int version) {
  return version == 4 ? uint128{0xffffffffu} : ~uint128{0};
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  // inet_pton needs a NUL-terminated string; an embedded NUL would silently cut the input.
  if (text.empty() || text.size() > INET6_ADDRSTRLEN || text.find('\0') != text.npos) {
    return std::nullopt;
  }
  const std::string copy(text);
  if (copy.find(':') == std::string::npos) {
    in_addr v4{};
    if (inet_pton(AF_INET, copy.c_str(), &v4) != 1) {
      return std::nullopt;
    }
    return IpAddress(4, ntohl(v4.s_addr));
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, copy.c_str(), &v6) != 1) {
    return std::nullopt;
  }
  uint128 value = 0;
  for (uint8_t byte : v6.s6_addr) {
    value = (value << 8) | byte;
  }
  return IpAddress(6, value);
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN];
  if (version_ == 4) {
    in_addr v4{};
    v4.s_addr = htonl(static_cast<uint32_t>(value_));
    inet_ntop(AF_INET, &v4, buf, sizeof buf);
  } else {
    in6_addr v6{};
    for (int i = 15; i >= 0; --i) {
      v6.s6_addr[i] = static_cast<uint8_t>(value_ >> (8 * (15 - i)));
    }
    inet_ntop(AF_INET6, &v6, buf, sizeof buf);
  }
  return buf;
}

IpAddress IpAddress::operator+(uint128 offset) const {
  if (offset > max_value(version_) - value_) {
    throw std::out_of_range("IP address arithmetic leaves the address space");
  }
  return IpAddress(version_, value_ + offset);
}

IpAddress IpAddress::operator-(uint128 offset) const {
  if (offset > value_) {
    throw std::out_of_range("IP address arithmetic leaves the address space");
  }
  return IpAddress(version_, value_ - offset);
}

std::ostream& operator<<(std::ostream& out, const IpAddress& address) {
  return out << address.to_string();
}

}  // namespace neutrino::ipam
