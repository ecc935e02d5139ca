#include "controller/ipam/mac_address.hpp"

#include <gtest/gtest.h>

#include <set>
#include <stdexcept>

#include "tests/unit/controller/ipam/api_error_of.hpp"

namespace neutrino::ipam {
namespace {

using test_support::api_error_of;

TEST(MacAddressTest, ParsesEitherCaseAndPrintsLowerCase) {
  const auto mac = MacAddress::parse("FA:16:3e:0A:b1:22");
  ASSERT_TRUE(mac);
  EXPECT_EQ(mac->to_string(), "fa:16:3e:0a:b1:22");
  EXPECT_EQ(mac->octets(), (std::array<uint8_t, 6>{0xfa, 0x16, 0x3e, 0x0a, 0xb1, 0x22}));
  EXPECT_EQ(MacAddress::parse("fa:16:3e:0a:b1:22"), mac);
}

TEST(MacAddressTest, RefusesOtherSpellings) {
  for (const char* bad :
       {"", "fa-16-3e-00-11-22", "fa163e001122", "fa:16:3e:00:11", "fa:16:3e:00:11:22:33",
        "fa:16:3e:0:11:22", "fa:16:3e:00:11:2g", " fa:16:3e:00:11:22", "fa:16:3e:00:11:22 ",
        "fa:16:3e.00:11:22", "fa16:3e:00:11:22:"}) {
    EXPECT_FALSE(MacAddress::parse(bad)) << bad;
  }
}

TEST(MacAddressTest, MulticastAndZero) {
  EXPECT_TRUE(MacAddress::parse("01:00:5e:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddress::parse("ff:ff:ff:ff:ff:ff")->is_multicast());
  EXPECT_FALSE(MacAddress::parse("fa:16:3e:00:00:01")->is_multicast());
  EXPECT_TRUE(MacAddress::parse("00:00:00:00:00:00")->is_zero());
  EXPECT_FALSE(MacAddress::parse("00:00:00:00:00:01")->is_zero());
}

TEST(MacAddressTest, PortMacRefusesZeroMulticastAndJunk) {
  EXPECT_EQ(MacAddress::parse_for_port("FA:16:3E:00:11:22").to_string(), "fa:16:3e:00:11:22");
  for (const char* bad : {"00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "junk"}) {
    const auto error = api_error_of([&] { MacAddress::parse_for_port(bad); });
    EXPECT_EQ(error.status(), 400);
    EXPECT_EQ(error.type(), "HTTPBadRequest");
    EXPECT_EQ(std::string(error.what()), "Invalid input for mac_address. Reason: '" +
                                             std::string(bad) + "' is not a valid MAC address.");
  }
}

TEST(MacAddressTest, RandomKeepsTheBasePrefix) {
  std::set<std::string> seen;
  std::set<uint8_t> fourth;
  for (int i = 0; i < 200; ++i) {
    const auto mac = MacAddress::random_with_base("fa:16:3e:00:00:00");
    const auto& o = mac.octets();
    EXPECT_EQ(mac.to_string().substr(0, 9), "fa:16:3e:");
    EXPECT_FALSE(mac.is_multicast());
    fourth.insert(o[3]);
    seen.insert(mac.to_string());
  }
  EXPECT_GT(seen.size(), 195u);   // 2^24 possibilities: collisions are rare
  EXPECT_GT(fourth.size(), 50u);  // the 4th octet is random when the base has 00
}

TEST(MacAddressTest, NonZeroFourthOctetIsKept) {
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(MacAddress::random_with_base("fa:16:3e:4f:00:00").to_string().substr(0, 12),
              "fa:16:3e:4f:");
  }
  // As in Neutron, only the 4th octet is optional: the 5th and 6th are always random.
  std::set<std::string> tails;
  for (int i = 0; i < 50; ++i) {
    tails.insert(MacAddress::random_with_base("fa:16:3e:4f:5a:6b").to_string().substr(12));
  }
  EXPECT_GT(tails.size(), 40u);
}

TEST(MacAddressTest, BadBaseIsAConfigurationError) {
  EXPECT_THROW(MacAddress::random_with_base("fa:16:3e"), std::invalid_argument);
  EXPECT_THROW(MacAddress::random_with_base("01:16:3e:00:00:00"), std::invalid_argument);
  // An all-zero base still never yields the all-zero address.
  for (int i = 0; i < 20; ++i) {
    EXPECT_FALSE(MacAddress::random_with_base("00:00:00:00:00:00").is_zero());
  }
}

}  // namespace
}  // namespace neutrino::ipam
