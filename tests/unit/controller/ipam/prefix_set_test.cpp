#include "controller/ipam/prefix_set.hpp"

#include <gtest/gtest.h>

namespace neutrino::ipam {
namespace {

std::vector<Cidr> cidrs(std::initializer_list<const char*> texts) {
  std::vector<Cidr> out;
  for (const char* t : texts) {
    out.push_back(Cidr::parse(t));
  }
  return out;
}

std::string text(const std::optional<Cidr>& c) {
  return c ? c->to_string() : "none";
}

TEST(PrefixSetTest, CompactsOverlapsAndSiblings) {
  EXPECT_EQ(compact_prefixes(cidrs({"10.11.12.0/24", "10.11.0.0/16"})), cidrs({"10.11.0.0/16"}));
  EXPECT_EQ(compact_prefixes(cidrs({"10.0.1.0/24", "10.0.0.0/24"})), cidrs({"10.0.0.0/23"}));
  EXPECT_EQ(compact_prefixes(cidrs({"10.11.15.0/24", "10.11.12.0/24"})),
            cidrs({"10.11.12.0/24", "10.11.15.0/24"}));
  // Touching but not siblings: 10.0.1.0/24 + 10.0.2.0/24 stay two blocks.
  EXPECT_EQ(compact_prefixes(cidrs({"10.0.1.0/24", "10.0.2.0/24"})),
            cidrs({"10.0.1.0/24", "10.0.2.0/24"}));
  EXPECT_EQ(compact_prefixes(cidrs({"::/1", "8000::/1"})), cidrs({"::/0"}));
  EXPECT_EQ(compact_prefixes(cidrs({"0.0.0.0/0", "255.255.255.255/32"})), cidrs({"0.0.0.0/0"}));
}

TEST(PrefixSetTest, SubtractsAddressesAndRecompacts) {
  EXPECT_EQ(subtract_prefixes(cidrs({"10.0.0.0/23"}), cidrs({"10.0.1.0/24"})),
            cidrs({"10.0.0.0/24"}));
  EXPECT_EQ(subtract_prefixes(cidrs({"10.0.0.0/24"}), cidrs({"10.0.0.64/26"})),
            cidrs({"10.0.0.0/26", "10.0.0.128/25"}));
  EXPECT_EQ(subtract_prefixes(cidrs({"10.0.0.0/24", "192.168.2.0/24"}), cidrs({"192.168.0.0/16"})),
            cidrs({"10.0.0.0/24"}));
  EXPECT_TRUE(subtract_prefixes(cidrs({"10.0.0.0/24"}), cidrs({"10.0.0.0/8"})).empty());
  EXPECT_EQ(subtract_prefixes(cidrs({"::/0"}), cidrs({"::/1"})), cidrs({"8000::/1"}));
}

TEST(PrefixSetTest, CoversBlocksInsideTheUnionOnly) {
  const auto pool = cidrs({"10.0.0.0/24", "10.0.1.0/24"});
  EXPECT_TRUE(covers(pool, Cidr::parse("10.0.0.0/23")));
  EXPECT_TRUE(covers(pool, Cidr::parse("10.0.1.128/25")));
  EXPECT_FALSE(covers(pool, Cidr::parse("10.0.0.0/22")));
  EXPECT_FALSE(covers(pool, Cidr::parse("10.0.2.0/24")));
}

TEST(PrefixSetTest, FirstFreeBlockSkipsUsedOnes) {
  const auto pool = cidrs({"10.11.12.0/24"});
  EXPECT_EQ(text(first_free_block(pool, {}, 28)), "10.11.12.0/28");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"10.11.12.0/29"}), 28)), "10.11.12.16/28");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"10.11.12.0/28", "10.11.12.32/27"}), 28)),
            "10.11.12.16/28");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"10.11.12.0/25"}), 25)), "10.11.12.128/25");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"10.11.12.0/25", "10.11.12.128/25"}), 30)), "none");
  EXPECT_EQ(text(first_free_block(pool, {}, 23)), "none");  // larger than the pool
}

TEST(PrefixSetTest, FirstFreeBlockMovesToTheNextPrefix) {
  const auto pool = cidrs({"192.168.0.0/24", "10.0.0.0/30"});
  EXPECT_EQ(text(first_free_block(pool, cidrs({"10.0.0.0/30"}), 26)), "192.168.0.0/26");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"192.168.0.0/24"}), 31)), "10.0.0.0/31");
}

TEST(PrefixSetTest, WorksAtTheTopOfTheIpv6Space) {
  const auto pool = cidrs({"ffff:ffff:ffff:ffff::/64"});
  const auto used = cidrs({"ffff:ffff:ffff:ffff::/65"});
  EXPECT_EQ(text(first_free_block(pool, used, 65)), "ffff:ffff:ffff:ffff:8000::/65");
  EXPECT_EQ(text(first_free_block(pool, cidrs({"ffff:ffff:ffff:ffff::/64"}), 80)), "none");
  EXPECT_EQ(text(first_free_block(cidrs({"::/0"}), cidrs({"::/1"}), 1)), "8000::/1");
}

}  // namespace
}  // namespace neutrino::ipam
