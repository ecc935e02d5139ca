#pragma once
// An IPv4 block "10.0.0.0/24": a subnet a DHCP server serves, or the destination of a static
// route. Host bits are always cleared, so two spellings of one block compare equal.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "dhcp/ipv4_address.hpp"

namespace neutrino::dhcp {

class Ipv4Cidr {
 public:
  // 0.0.0.0/0, the default route's destination.
  Ipv4Cidr() = default;
  // The block of `prefix_length` bits containing `address`. Throws std::invalid_argument for
  // a prefix outside 0..32 (configuration time only; the packet path never builds one from
  // untrusted input without checking the width first).
  Ipv4Cidr(Ipv4Address address, int prefix_length);
  // "a.b.c.d/n"; host bits are cleared rather than refused (the controller validated them).
  static std::optional<Ipv4Cidr> parse(std::string_view text);

  Ipv4Address network() const { return network_; }
  int prefix_length() const { return prefix_length_; }
  Ipv4Address netmask() const;
  // None for /31 and /32, which have no broadcast address (RFC 3021).
  std::optional<Ipv4Address> broadcast() const;
  bool contains(Ipv4Address address) const;
  std::string to_string() const;

  friend bool operator==(const Ipv4Cidr&, const Ipv4Cidr&) = default;

 private:
  Ipv4Address network_;
  int prefix_length_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Ipv4Cidr& cidr);

}  // namespace neutrino::dhcp
