#include "controller/ipam/eui64.hpp"

#include <stdexcept>

namespace neutrino::ipam {

IpAddress eui64_address(const Cidr& prefix, const MacAddress& mac) {
  if (prefix.version() != 6 || prefix.prefix_length() > 64) {
    throw std::invalid_argument("EUI-64 addresses need an IPv6 prefix of /64 or shorter");
  }
  const auto& m = mac.octets();
  const uint8_t interface_id[8] = {
      static_cast<uint8_t>(m[0] ^ 0x02), m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]};
  uint128 low = 0;
  for (const uint8_t octet : interface_id) {
    low = (low << 8) | octet;
  }
  const uint128 high_mask = ~((uint128{1} << 64) - 1);
  return IpAddress(6, (prefix.network().value() & high_mask) | low);
}

}  // namespace neutrino::ipam
