#pragma once
// An IPv4 address held as a host-order integer. The DHCP engine compares, masks and encodes
// addresses on every packet, so it keeps them as integers and owns this tiny type instead of
// depending on the controller's IPAM (the agent and the fuzzer link dhcp/ alone).
#include <compare>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::dhcp {

class Ipv4Address {
 public:
  constexpr Ipv4Address() = default;
  constexpr explicit Ipv4Address(uint32_t value) : value_(value) {}
  constexpr Ipv4Address(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
      : value_((uint32_t{a} << 24) | (uint32_t{b} << 16) | (uint32_t{c} << 8) | uint32_t{d}) {}

  static constexpr Ipv4Address broadcast() { return Ipv4Address(0xffffffffu); }
  // Strict dotted quad: four decimal octets 0..255, no leading '+', no spaces.
  static std::optional<Ipv4Address> parse(std::string_view text);
  // Four bytes in network order, as they appear in a packet.
  static Ipv4Address from_bytes(const uint8_t* bytes);
  void to_bytes(uint8_t* out) const;

  constexpr uint32_t value() const { return value_; }
  constexpr bool is_zero() const { return value_ == 0; }
  std::string to_string() const;

  friend constexpr auto operator<=>(const Ipv4Address&, const Ipv4Address&) = default;

 private:
  uint32_t value_ = 0;
};

std::ostream& operator<<(std::ostream& out, const Ipv4Address& address);

}  // namespace neutrino::dhcp
