#pragma once
// Ethernet MAC addresses of ports: parsing, canonical form, and random generation under the
// deployment's base_mac prefix (Neutron's fa:16:3e:...).
#include <array>
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::ipam {

class MacAddress {
 public:
  explicit MacAddress(const std::array<uint8_t, 6>& octets) : octets_(octets) {}

  // Exactly six ':'-separated pairs of hex digits, either case: "fa:16:3E:00:11:22".
  static std::optional<MacAddress> parse(std::string_view text);
  // A port's requested mac_address: syntax as parse(), and neither all-zero nor multicast
  // (which includes broadcast). Throws api::ApiError 400 HTTPBadRequest:
  // "Invalid input for mac_address. Reason: '<text>' is not a valid MAC address."
  static MacAddress parse_for_port(std::string_view text);
  // Neutron's base_mac semantics: the first three octets come from `base`, the fourth too
  // unless it is 00, the last two are random. "fa:16:3e:00:00:00" -> fa:16:3e:xx:xx:xx,
  // "fa:16:3e:4f:00:00" -> fa:16:3e:4f:xx:xx. Throws std::invalid_argument for a base that
  // does not parse or is multicast (every generated address would be refused for a port).
  static MacAddress random_with_base(std::string_view base);

  const std::array<uint8_t, 6>& octets() const { return octets_; }
  // The I/G bit of the first octet; broadcast ff:ff:ff:ff:ff:ff is multicast too.
  bool is_multicast() const { return (octets_[0] & 0x01) != 0; }
  bool is_zero() const { return octets_ == std::array<uint8_t, 6>{}; }
  // Lower case, "fa:16:3e:00:11:22".
  std::string to_string() const;

  friend auto operator<=>(const MacAddress&, const MacAddress&) = default;

 private:
  std::array<uint8_t, 6> octets_;
};

std::ostream& operator<<(std::ostream& out, const MacAddress& mac);

}  // namespace neutrino::ipam
