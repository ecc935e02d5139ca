#pragma once
// An IPv4 or IPv6 address held as a 128-bit number, so IPAM arithmetic (ranges, offsets, counts)
// is the same integer code for both versions.
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::ipam {

// GCC/Clang builtin; __extension__ keeps -Wpedantic quiet about the non-standard type.
__extension__ typedef unsigned __int128 uint128;

class IpAddress {
 public:
  // Throws std::invalid_argument if version is not 4 or 6 or value does not fit the version.
  IpAddress(int version, uint128 value);

  // Strict textual form: exactly what inet_pton accepts, no surrounding spaces, no zone ids.
  static std::optional<IpAddress> parse(std::string_view text);
  // Largest value of a version: 2^32-1 or 2^128-1.
  static uint128 max_value(int version);

  int version() const { return version_; }
  uint128 value() const { return value_; }
  int bits() const { return version_ == 4 ? 32 : 128; }
  // Canonical form (inet_ntop): "10.0.0.1", "2001:db8::1".
  std::string to_string() const;

  // Offsets stay inside the version's address space; leaving it throws std::out_of_range.
  IpAddress operator+(uint128 offset) const;
  IpAddress operator-(uint128 offset) const;
  IpAddress next() const { return *this + 1; }

  // Orders every IPv4 address before every IPv6 address, then by value.
  friend auto operator<=>(const IpAddress&, const IpAddress&) = default;
  friend bool operator==(const IpAddress&, const IpAddress&) = default;

 private:
  int version_;
  uint128 value_;
};

std::ostream& operator<<(std::ostream& out, const IpAddress& address);

}  // namespace neutrino::ipam
