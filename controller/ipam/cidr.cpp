#include "controller/ipam/cidr.hpp"

#include <ostream>
#include <stdexcept>

#include "controller/api/api_error.hpp"

namespace neutrino::ipam {
namespace {

// Bits of the host part of a block: the low (bits - prefix) bits.
uint128 host_mask(int bits, int prefix_length) {
  const int host_bits = bits - prefix_length;
  return host_bits >= 128 ? ~uint128{0} : (uint128{1} << host_bits) - 1;
}

struct Parsed {
  IpAddress address;
  std::optional<int> prefix_length;  // nullopt when the text has no "/"
};

// Strict syntax: an address inet_pton accepts, then optionally "/" and a decimal prefix length
// without sign or leading zeros. Host bits are not judged here.
std::optional<Parsed> parse_parts(std::string_view text) {
  const auto slash = text.find('/');
  const auto address = IpAddress::parse(text.substr(0, slash));
  if (!address) {
    return std::nullopt;
  }
  if (slash == text.npos) {
    return Parsed{*address, std::nullopt};
  }
  const auto digits = text.substr(slash + 1);
  if (digits.empty() || digits.size() > 3 || (digits.size() > 1 && digits[0] == '0')) {
    return std::nullopt;
  }
  int prefix = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    prefix = prefix * 10 + (c - '0');
  }
  if (prefix > address->bits()) {
    return std::nullopt;
  }
  return Parsed{*address, prefix};
}

}  // namespace

Cidr::Cidr(const IpAddress& address, int prefix_length)
    : network_(address), prefix_length_(prefix_length) {
  if (prefix_length < 0 || prefix_length > address.bits()) {
    throw std::invalid_argument("prefix length out of range for the IP version");
  }
  network_ =
      IpAddress(address.version(), address.value() & ~host_mask(address.bits(), prefix_length));
}

Cidr Cidr::parse(std::string_view text, std::string_view attribute) {
  const std::string reason =
      "Invalid input for " + std::string(attribute) + ". Reason: '" + std::string(text) + "' ";
  const auto parts = parse_parts(text);
  if (!parts) {
    throw api::bad_request(reason + "is not a valid IP subnet.");
  }
  const Cidr cidr(parts->address, parts->prefix_length.value_or(parts->address.bits()));
  if (!parts->prefix_length || cidr.network() != parts->address) {
    throw api::bad_request(reason + "isn't a recognized IP subnet cidr, '" + cidr.to_string() +
                           "' is recommended.");
  }
  return cidr;
}

std::optional<Cidr> Cidr::try_parse(std::string_view text) {
  const auto parts = parse_parts(text);
  if (!parts || !parts->prefix_length) {
    return std::nullopt;
  }
  Cidr cidr(parts->address, *parts->prefix_length);
  if (cidr.network() != parts->address) {
    return std::nullopt;
  }
  return cidr;
}

std::optional<Cidr> Cidr::parse_masked(std::string_view text) {
  const auto parts = parse_parts(text);
  if (!parts || !parts->prefix_length) {
    return std::nullopt;
  }
  return Cidr(parts->address, *parts->prefix_length);
}

uint128 Cidr::size() const {
  const uint128 mask = host_mask(network_.bits(), prefix_length_);
  return mask == ~uint128{0} ? mask : mask + 1;
}

IpAddress Cidr::last() const {
  return IpAddress(version(), network_.value() | host_mask(network_.bits(), prefix_length_));
}

std::optional<IpAddress> Cidr::broadcast() const {
  if (version() != 4 || prefix_length_ >= 31) {
    return std::nullopt;
  }
  return last();
}

IpAddress Cidr::netmask() const {
  return IpAddress(version(),
                   IpAddress::max_value(version()) & ~host_mask(network_.bits(), prefix_length_));
}

IpAddress Cidr::first_host() const {
  if (version() == 4 && prefix_length_ >= 31) {
    return network_;
  }
  // An IPv6 /128 has nothing but its network address; keep first_host <= last_host.
  return prefix_length_ == network_.bits() ? network_ : network_.next();
}

IpAddress Cidr::last_host() const {
  if (version() == 4 && prefix_length_ < 31) {
    return last() - 1;
  }
  return last();
}

bool Cidr::contains(const IpAddress& address) const {
  return address.version() == version() && address >= network_ && address <= last();
}

bool Cidr::overlaps(const Cidr& other) const {
  // Two aligned blocks overlap only if one contains the other's network address.
  return contains(other.network_) || other.contains(network_);
}

std::string Cidr::to_string() const {
  return network_.to_string() + "/" + std::to_string(prefix_length_);
}

std::ostream& operator<<(std::ostream& out, const Cidr& cidr) {
  return out << cidr.to_string();
}

}  // namespace neutrino::ipam
