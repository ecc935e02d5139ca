#pragma once
// An inclusive range of addresses, the shape of a Neutron allocation pool.
#include <iosfwd>
#include <string>

#include "controller/ipam/ip_address.hpp"

namespace neutrino::ipam {

struct IpRange {
  IpAddress first;
  IpAddress last;

  // Both ends of one version and first <= last; the other helpers assume this.
  bool valid() const { return first.version() == last.version() && first <= last; }
  bool contains(const IpAddress& address) const { return first <= address && address <= last; }
  bool overlaps(const IpRange& other) const { return first <= other.last && other.first <= last; }
  // Number of addresses; the whole IPv6 space (2^128) saturates at 2^128-1. 0 if !valid().
  uint128 size() const;
  // "10.0.0.2-10.0.0.254", the way Neutron prints a pool in its messages.
  std::string to_string() const;

  friend bool operator==(const IpRange&, const IpRange&) = default;
};

std::ostream& operator<<(std::ostream& out, const IpRange& range);

}  // namespace neutrino::ipam
