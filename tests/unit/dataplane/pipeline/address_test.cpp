// The address checks flow text is built from: what they accept, and how they spell it.
#include "dataplane/pipeline/address.hpp"

#include <gtest/gtest.h>

namespace neutrino::dataplane::pipeline {
namespace {

TEST(AddressTest, BlocksAreParsedWithTheirHostBitsCleared) {
  const auto block = ipv4_block("10.0.1.7/24");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->first, 0x0a000100u);
  EXPECT_EQ(block->second, 0xffffff00u);
  EXPECT_EQ(ipv4_block("0.0.0.0/0")->second, 0u);
  EXPECT_FALSE(ipv4_block("10.0.1.7"));  // an address, not a block
  EXPECT_FALSE(ipv4_block("10.0.1.0/33"));
  EXPECT_FALSE(ipv4_block("fd00::/64"));
}

TEST(AddressTest, AnAddressIsInABlockOnlyWhenBothAreWellFormed) {
  EXPECT_TRUE(ipv4_in_block("203.0.113.2", "203.0.113.0/24"));
  EXPECT_TRUE(ipv4_in_block("198.51.100.9", "0.0.0.0/0"));
  EXPECT_FALSE(ipv4_in_block("203.0.114.2", "203.0.113.0/24"));
  EXPECT_FALSE(ipv4_in_block("not-an-address", "203.0.113.0/24"));
  EXPECT_FALSE(ipv4_in_block("203.0.113.2", "203.0.113.0/nope"));
  EXPECT_FALSE(ipv4_in_block("203.0.113.2", ""));
}

TEST(AddressTest, SpellingsAreCanonical) {
  EXPECT_EQ(ipv4_prefix("10.0.1.7/24"), "10.0.1.0/24");
  EXPECT_EQ(ipv4_prefix("10.0.1.7/32"), "10.0.1.7");
  EXPECT_EQ(unicast_mac("FA:16:3E:00:00:01"), "fa:16:3e:00:00:01");
  EXPECT_FALSE(unicast_mac("01:00:5e:00:00:01"));  // multicast
  EXPECT_EQ(ipv4_host_order("192.0.2.1"), 0xc0000201u);
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
