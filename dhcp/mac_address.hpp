#pragma once
// An Ethernet address: the key of the server's host table (a port's mac_address) and the
// link-layer destination of a reply.
#include <array>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

namespace neutrino::dhcp {

class MacAddress {
 public:
  constexpr MacAddress() = default;
  constexpr explicit MacAddress(const std::array<uint8_t, 6>& octets) : octets_(octets) {}

  static constexpr MacAddress broadcast() {
    return MacAddress({0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  }
  // Six pairs of hex digits separated by ':' or '-', either case ("fa:16:3e:00:11:22").
  static std::optional<MacAddress> parse(std::string_view text);
  static MacAddress from_bytes(const uint8_t* bytes);

  const std::array<uint8_t, 6>& octets() const { return octets_; }
  uint64_t to_u64() const;
  // Lower case, ':'-separated, as Neutron shows port MACs.
  std::string to_string() const;

  friend constexpr bool operator==(const MacAddress&, const MacAddress&) = default;

 private:
  std::array<uint8_t, 6> octets_{};
};

std::ostream& operator<<(std::ostream& out, const MacAddress& mac);

}  // namespace neutrino::dhcp

template <>
struct std::hash<neutrino::dhcp::MacAddress> {
  size_t operator()(const neutrino::dhcp::MacAddress& mac) const noexcept {
    return std::hash<uint64_t>{}(mac.to_u64());
  }
};
