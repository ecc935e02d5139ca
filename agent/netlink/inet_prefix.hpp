#pragma once
// An IPv4 or IPv6 address with a prefix length, parsed strictly ("10.1" or "10.0.0.1/33" are
// refused) before anything reaches the kernel, and formatted back the way `ip` prints it.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace neutrino::agent::netlink {

struct InetPrefix {
  int family = 0;  // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};
  unsigned prefix_len = 0;

  // "10.0.0.2/24", "fd00::/64"; without "/len" only when `allow_bare`, which means a host
  // address (/32, /128). Throws std::invalid_argument.
  static InetPrefix parse(std::string_view text, bool allow_bare);
  // Formats `size()` bytes of `data` of `family` without a prefix.
  static std::string format_address(int family, const void* data);

  size_t size() const;
  std::string address() const;
  std::string to_string() const;  // address + "/" + prefix_len
  // The last address of the prefix (IPv4 broadcast).
  InetPrefix last_address() const;
};

}  // namespace neutrino::agent::netlink
