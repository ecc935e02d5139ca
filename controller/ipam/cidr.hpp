#pragma once
// A network block "10.0.0.0/24" / "2001:db8::/64": a network address with no host bits set and
// a prefix length.
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "controller/ipam/ip_address.hpp"

namespace neutrino::ipam {

class Cidr {
 public:
  // The block of `prefix_length` bits that contains `address` (host bits are cleared).
  // Throws std::invalid_argument for a prefix length outside 0..32 / 0..128.
  Cidr(const IpAddress& address, int prefix_length);

  // Neutron's validation of a subnet cidr. Throws api::ApiError 400 "HTTPBadRequest":
  //   "Invalid input for <attribute>. Reason: '10.0.0.0/33' is not a valid IP subnet."
  //   "Invalid input for <attribute>. Reason: '10.0.0.5/24' isn't a recognized IP subnet cidr,
  //    '10.0.0.0/24' is recommended." (host bits set, or no "/prefix" at all)
  static Cidr parse(std::string_view text, std::string_view attribute = "cidr");
  // Same rules without the API error: nullopt for anything parse() refuses.
  static std::optional<Cidr> try_parse(std::string_view text);
  // Lenient form for places where Neutron normalises instead of refusing (security group
  // remote_ip_prefix): host bits are cleared. Still needs "/prefix".
  static std::optional<Cidr> parse_masked(std::string_view text);

  const IpAddress& network() const { return network_; }
  int prefix_length() const { return prefix_length_; }
  int version() const { return network_.version(); }
  // Number of addresses; ::/0 (2^128) saturates at 2^128-1.
  uint128 size() const;
  // Last address of the block.
  IpAddress last() const;
  // IPv4 only, and only when the block has one (not /31 or /32, RFC 3021).
  std::optional<IpAddress> broadcast() const;
  // IPv4 dotted netmask ("255.255.255.0"); IPv6 returns the mask as an address too.
  IpAddress netmask() const;
  // Assignable range. IPv4 /0../30: network+1 .. broadcast-1; /31 and /32: every address.
  // IPv6: network+1 .. last (the network address is the subnet-router anycast).
  IpAddress first_host() const;
  IpAddress last_host() const;

  bool contains(const IpAddress& address) const;
  bool overlaps(const Cidr& other) const;
  // "10.0.0.0/24", canonical address form.
  std::string to_string() const;

  friend bool operator==(const Cidr&, const Cidr&) = default;

 private:
  IpAddress network_;
  int prefix_length_;
};

std::ostream& operator<<(std::ostream& out, const Cidr& cidr);

}  // namespace neutrino::ipam
