#include "controller/ipam/ip_address.hpp"

#include <gtest/gtest.h>

#include <stdexcept>

namespace neutrino::ipam {
namespace {

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}

TEST(IpAddressTest, ParsesAndFormatsIpv4) {
  const auto a = IpAddress::parse("10.0.0.1");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->version(), 4);
  EXPECT_EQ(a->value(), uint128{0x0a000001});
  EXPECT_EQ(a->to_string(), "10.0.0.1");
  EXPECT_EQ(ip("0.0.0.0").value(), uint128{0});
  EXPECT_EQ(ip("255.255.255.255").value(), uint128{0xffffffff});
}

TEST(IpAddressTest, RefusesSloppyIpv4) {
  for (const char* bad :
       {"", " 10.0.0.1", "10.0.0.1 ", "10.0.0.1\n", "010.1.1.1", "10.0.0", "10.0.0.256", "10.1",
        "10.0.0.1/24", "a.b.c.d", "10.0.0.1.", "1.2.3.4.5", "0x0a.0.0.1"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
  // An embedded NUL must not let "10.0.0.1" through with trailing junk.
  EXPECT_FALSE(IpAddress::parse(std::string_view("10.0.0.1\0junk", 13)));
}

TEST(IpAddressTest, ParsesAndFormatsIpv6Canonically) {
  const auto a = IpAddress::parse("2001:0DB8:0000:0000:0000:0000:0000:0001");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->version(), 6);
  EXPECT_EQ(a->to_string(), "2001:db8::1");
  EXPECT_EQ(a->value(), (uint128{0x20010db8} << 96) | 1);
  EXPECT_EQ(ip("::").to_string(), "::");
  EXPECT_EQ(ip("::").value(), uint128{0});
  EXPECT_EQ(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff").value(), ~uint128{0});
  EXPECT_EQ(ip("fe80:0:0:0:1:0:0:1").to_string(), "fe80::1:0:0:1");
  EXPECT_EQ(ip("::ffff:10.0.0.1").version(), 6);
  for (const char* bad : {"2001:db8::1::1", "2001:db8:::1", "fe80::1%eth0", " ::1", "::1 ",
                          "2001:db8::g", "1:2:3:4:5:6:7:8:9"}) {
    EXPECT_FALSE(IpAddress::parse(bad)) << bad;
  }
}

TEST(IpAddressTest, OrdersByVersionThenValue) {
  EXPECT_LT(ip("10.0.0.1"), ip("10.0.0.2"));
  EXPECT_LT(ip("9.255.255.255"), ip("10.0.0.0"));
  EXPECT_LT(ip("255.255.255.255"), ip("::"));
  EXPECT_EQ(ip("2001:db8::1"), ip("2001:DB8:0::1"));
  EXPECT_NE(ip("0.0.0.1"), ip("::1"));
}

TEST(IpAddressTest, OffsetsCarryAcrossOctetsAndStayInTheSpace) {
  EXPECT_EQ((ip("10.0.0.255") + 1).to_string(), "10.0.1.0");
  EXPECT_EQ((ip("10.0.1.0") - 1).to_string(), "10.0.0.255");
  EXPECT_EQ(ip("10.0.0.1").next().to_string(), "10.0.0.2");
  EXPECT_EQ((ip("2001:db8::ffff:ffff:ffff:ffff") + 1).to_string(), "2001:db8:0:1::");
  EXPECT_THROW(ip("255.255.255.255").next(), std::out_of_range);
  EXPECT_THROW(ip("0.0.0.0") - 1, std::out_of_range);
  EXPECT_THROW(ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff") + 1, std::out_of_range);
  EXPECT_THROW(ip("10.0.0.1") + (uint128{1} << 40), std::out_of_range);
}

TEST(IpAddressTest, ConstructorChecksVersionAndWidth) {
  EXPECT_EQ(IpAddress(4, 0xc0a80001).to_string(), "192.168.0.1");
  EXPECT_THROW(IpAddress(5, 1), std::invalid_argument);
  EXPECT_THROW(IpAddress(4, uint128{1} << 32), std::invalid_argument);
  EXPECT_NO_THROW(IpAddress(6, uint128{1} << 100));
}

}  // namespace
}  // namespace neutrino::ipam
