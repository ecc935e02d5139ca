#include "controller/ipam/eui64.hpp"

#include <gtest/gtest.h>

namespace neutrino::ipam {
namespace {

MacAddress mac(const char* text) {
  return *MacAddress::parse(text);
}

TEST(Eui64Test, FlipsTheUniversalLocalBitAndInsertsFffe) {
  // The values netaddr's EUI(mac).ipv6(prefix) gives, as Neutron computes them.
  EXPECT_EQ(eui64_address(Cidr::parse("2001:db8::/64"), mac("fa:16:3e:12:34:56")).to_string(),
            "2001:db8::f816:3eff:fe12:3456");
  EXPECT_EQ(eui64_address(Cidr::parse("2003:0:0:1234::/64"), mac("00:16:3e:aa:bb:cc")).to_string(),
            "2003::1234:216:3eff:feaa:bbcc");
}

TEST(Eui64Test, RefusesIpv4AndLongPrefixes) {
  EXPECT_THROW(eui64_address(Cidr::parse("10.0.0.0/24"), mac("fa:16:3e:12:34:56")),
               std::invalid_argument);
  EXPECT_THROW(eui64_address(Cidr::parse("2001:db8::/80"), mac("fa:16:3e:12:34:56")),
               std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::ipam
