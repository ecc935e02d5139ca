#include "dhcp/ipv4_cidr.hpp"

#include <ostream>
#include <stdexcept>

namespace neutrino::dhcp {
namespace {

uint32_t mask_bits(int prefix_length) {
  // Shifting a 32-bit value by 32 is undefined, hence the special case.
  return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);
}

}  // namespace

Ipv4Cidr::Ipv4Cidr(Ipv4Address address, int prefix_length) : prefix_length_(prefix_length) {
  if (prefix_length < 0 || prefix_length > 32) {
    throw std::invalid_argument("IPv4 prefix length out of range: " +
                                std::to_string(prefix_length));
  }
  network_ = Ipv4Address(address.value() & mask_bits(prefix_length));
}

std::optional<Ipv4Cidr> Ipv4Cidr::parse(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const auto address = Ipv4Address::parse(text.substr(0, slash));
  const std::string_view prefix = text.substr(slash + 1);
  if (!address || prefix.empty() || prefix.size() > 2) {
    return std::nullopt;
  }
  int length = 0;
  for (char c : prefix) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    length = length * 10 + (c - '0');
  }
  if (length > 32) {
    return std::nullopt;
  }
  return Ipv4Cidr(*address, length);
}

Ipv4Address Ipv4Cidr::netmask() const {
  return Ipv4Address(mask_bits(prefix_length_));
}

std::optional<Ipv4Address> Ipv4Cidr::broadcast() const {
  if (prefix_length_ >= 31) {
    return std::nullopt;
  }
  return Ipv4Address(network_.value() | ~mask_bits(prefix_length_));
}

bool Ipv4Cidr::contains(Ipv4Address address) const {
  return (address.value() & mask_bits(prefix_length_)) == network_.value();
}

std::string Ipv4Cidr::to_string() const {
  return network_.to_string() + "/" + std::to_string(prefix_length_);
}

std::ostream& operator<<(std::ostream& out, const Ipv4Cidr& cidr) {
  return out << cidr.to_string();
}

}  // namespace neutrino::dhcp
