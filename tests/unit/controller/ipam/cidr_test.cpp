#include "controller/ipam/cidr.hpp"

#include <gtest/gtest.h>

#include "tests/unit/controller/ipam/api_error_of.hpp"

namespace neutrino::ipam {
namespace {

using test_support::api_error_of;

IpAddress ip(std::string_view text) {
  return IpAddress::parse(text).value();
}

void expect_bad_cidr(std::string_view text, const std::string& message,
                     std::string_view attribute = "cidr") {
  const auto error = api_error_of([&] { Cidr::parse(text, attribute); });
  EXPECT_EQ(error.status(), 400) << text;
  EXPECT_EQ(error.type(), "HTTPBadRequest") << text;
  EXPECT_EQ(std::string(error.what()), message) << text;
  EXPECT_FALSE(Cidr::try_parse(text)) << text;
}

TEST(CidrTest, ParsesIpv4) {
  const auto c = Cidr::parse("10.0.0.0/24");
  EXPECT_EQ(c.network(), ip("10.0.0.0"));
  EXPECT_EQ(c.prefix_length(), 24);
  EXPECT_EQ(c.version(), 4);
  EXPECT_EQ(c.size(), uint128{256});
  EXPECT_EQ(c.to_string(), "10.0.0.0/24");
  EXPECT_EQ(c.last(), ip("10.0.0.255"));
  EXPECT_EQ(c.broadcast(), ip("10.0.0.255"));
  EXPECT_EQ(c.netmask(), ip("255.255.255.0"));
  EXPECT_EQ(c.first_host(), ip("10.0.0.1"));
  EXPECT_EQ(c.last_host(), ip("10.0.0.254"));
  EXPECT_EQ(Cidr::parse("0.0.0.0/0").size(), uint128{1} << 32);
  EXPECT_EQ(Cidr::parse("0.0.0.0/0").netmask(), ip("0.0.0.0"));
}

TEST(CidrTest, InvalidTextGetsNeutronsMessage) {
  expect_bad_cidr("10.0.0.0/33",
                  "Invalid input for cidr. Reason: '10.0.0.0/33' is not a valid IP subnet.");
  for (const char* bad :
       {"10.0.0.256/24", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/024", "10.0.0.0/2a", " 10.0.0.0/24",
        "10.0.0.0/24 ", "10/8", "abc", "", "2001:db8::/129", "10.0.0.0/24/1"}) {
    expect_bad_cidr(bad, "Invalid input for cidr. Reason: '" + std::string(bad) +
                             "' is not a valid IP subnet.");
  }
}

TEST(CidrTest, HostBitsOrMissingPrefixGetRecommendation) {
  expect_bad_cidr("10.0.0.5/24",
                  "Invalid input for cidr. Reason: '10.0.0.5/24' isn't a recognized IP subnet "
                  "cidr, '10.0.0.0/24' is recommended.");
  expect_bad_cidr("10.0.2.0",
                  "Invalid input for cidr. Reason: '10.0.2.0' isn't a recognized IP subnet "
                  "cidr, '10.0.2.0/32' is recommended.");
  expect_bad_cidr("2001:db8::1/64",
                  "Invalid input for cidr. Reason: '2001:db8::1/64' isn't a recognized IP "
                  "subnet cidr, '2001:db8::/64' is recommended.");
  expect_bad_cidr("fe80::",
                  "Invalid input for cidr. Reason: 'fe80::' isn't a recognized IP subnet "
                  "cidr, 'fe80::/128' is recommended.");
}

TEST(CidrTest, AttributeNameGoesIntoTheMessage) {
  expect_bad_cidr("x", "Invalid input for destination. Reason: 'x' is not a valid IP subnet.",
                  "destination");
}

TEST(CidrTest, PointToPointAndHostBlocksUseEveryAddress) {
  const auto p2p = Cidr::parse("10.0.0.4/31");
  EXPECT_EQ(p2p.size(), uint128{2});
  EXPECT_EQ(p2p.first_host(), ip("10.0.0.4"));
  EXPECT_EQ(p2p.last_host(), ip("10.0.0.5"));
  EXPECT_FALSE(p2p.broadcast());
  const auto host = Cidr::parse("10.0.0.7/32");
  EXPECT_EQ(host.size(), uint128{1});
  EXPECT_EQ(host.first_host(), ip("10.0.0.7"));
  EXPECT_EQ(host.last_host(), ip("10.0.0.7"));
  EXPECT_FALSE(host.broadcast());
  const auto slash30 = Cidr::parse("10.0.0.8/30");
  EXPECT_EQ(slash30.first_host(), ip("10.0.0.9"));
  EXPECT_EQ(slash30.last_host(), ip("10.0.0.10"));
  EXPECT_EQ(slash30.broadcast(), ip("10.0.0.11"));
}

TEST(CidrTest, Ipv6HasNoBroadcastAndSkipsOnlyTheNetworkAddress) {
  const auto c = Cidr::parse("2001:DB8::/64");
  EXPECT_EQ(c.to_string(), "2001:db8::/64");
  EXPECT_EQ(c.version(), 6);
  EXPECT_EQ(c.size(), uint128{1} << 64);
  EXPECT_FALSE(c.broadcast());
  EXPECT_EQ(c.first_host(), ip("2001:db8::1"));
  EXPECT_EQ(c.last_host(), ip("2001:db8::ffff:ffff:ffff:ffff"));
  EXPECT_EQ(c.netmask(), ip("ffff:ffff:ffff:ffff::"));
  // 2^128 does not fit; the size saturates instead of wrapping to 0.
  EXPECT_EQ(Cidr::parse("::/0").size(), ~uint128{0});
  const auto single = Cidr::parse("2001:db8::5/128");
  EXPECT_EQ(single.first_host(), single.last_host());
}

TEST(CidrTest, ContainsAndOverlaps) {
  const auto c = Cidr::parse("10.0.0.0/24");
  EXPECT_TRUE(c.contains(ip("10.0.0.0")));
  EXPECT_TRUE(c.contains(ip("10.0.0.255")));
  EXPECT_FALSE(c.contains(ip("10.0.1.0")));
  EXPECT_FALSE(c.contains(ip("::a00:1")));  // same low bits, other version
  EXPECT_TRUE(c.overlaps(Cidr::parse("10.0.0.128/25")));
  EXPECT_TRUE(c.overlaps(Cidr::parse("10.0.0.0/8")));
  EXPECT_TRUE(Cidr::parse("10.0.0.0/8").overlaps(c));
  EXPECT_FALSE(c.overlaps(Cidr::parse("10.0.1.0/24")));
  EXPECT_FALSE(c.overlaps(Cidr::parse("::/0")));
}

TEST(CidrTest, ConstructorAndParseMaskedClearHostBits) {
  EXPECT_EQ(Cidr(ip("192.168.7.9"), 16).to_string(), "192.168.0.0/16");
  EXPECT_EQ(Cidr::parse_masked("10.0.0.5/24"), Cidr::parse("10.0.0.0/24"));
  EXPECT_EQ(Cidr::parse_masked("2001:db8::1/64")->to_string(), "2001:db8::/64");
  EXPECT_FALSE(Cidr::parse_masked("10.0.0.5"));
  EXPECT_THROW(Cidr(ip("10.0.0.0"), 33), std::invalid_argument);
  EXPECT_EQ(Cidr::try_parse("10.0.0.0/24"), Cidr::parse("10.0.0.0/24"));
}

}  // namespace
}  // namespace neutrino::ipam
