#include <gtest/gtest.h>

#include "dhcp/ipv4_address.hpp"
#include "dhcp/ipv4_cidr.hpp"
#include "dhcp/mac_address.hpp"

namespace neutrino::dhcp {
namespace {

TEST(Ipv4AddressTest, ParsesAndFormatsDottedQuads) {
  EXPECT_EQ(Ipv4Address::parse("10.0.0.5"), Ipv4Address(10, 0, 0, 5));
  EXPECT_EQ(Ipv4Address::parse("255.255.255.255"), Ipv4Address::broadcast());
  EXPECT_EQ(Ipv4Address(169, 254, 169, 254).to_string(), "169.254.169.254");
  for (const char* bad : {"", "10.0.0", "10.0.0.256", "10.0.0.5.1", "10..0.5", "1.2.3.4 ",
                          "a.b.c.d", "1.2.3.0004", "-1.2.3.4"}) {
    EXPECT_FALSE(Ipv4Address::parse(bad)) << bad;
  }
}

TEST(Ipv4CidrTest, MaskBroadcastAndMembership) {
  const auto cidr = Ipv4Cidr::parse("10.0.0.77/24");
  ASSERT_TRUE(cidr);
  EXPECT_EQ(cidr->to_string(), "10.0.0.0/24");
  EXPECT_EQ(cidr->netmask(), Ipv4Address(255, 255, 255, 0));
  EXPECT_EQ(cidr->broadcast(), Ipv4Address(10, 0, 0, 255));
  EXPECT_TRUE(cidr->contains(Ipv4Address(10, 0, 0, 254)));
  EXPECT_FALSE(cidr->contains(Ipv4Address(10, 0, 1, 1)));
  EXPECT_EQ(Ipv4Cidr::parse("0.0.0.0/0")->netmask(), Ipv4Address());
  EXPECT_TRUE(Ipv4Cidr().contains(Ipv4Address(1, 2, 3, 4)));
  EXPECT_FALSE(Ipv4Cidr::parse("10.0.0.0/31")->broadcast());
  EXPECT_FALSE(Ipv4Cidr::parse("10.0.0.0/33"));
  EXPECT_FALSE(Ipv4Cidr::parse("10.0.0.0"));
  EXPECT_THROW(Ipv4Cidr(Ipv4Address(), 33), std::invalid_argument);
}

TEST(MacAddressTest, ParsesEitherCaseAndSeparator) {
  const auto mac = MacAddress::parse("FA:16:3e:00:0a-0B");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->to_string(), "fa:16:3e:00:0a:0b");
  EXPECT_FALSE(MacAddress::parse("fa:16:3e:00:0a"));
  EXPECT_FALSE(MacAddress::parse("fa:16:3e:00:0a:0g"));
  EXPECT_FALSE(MacAddress::parse("fa:16:3e:00:0a:0b:"));
  EXPECT_EQ(MacAddress::broadcast().to_string(), "ff:ff:ff:ff:ff:ff");
}

}  // namespace
}  // namespace neutrino::dhcp
