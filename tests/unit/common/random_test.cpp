#include "common/random.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace neutrino {
namespace {

TEST(RandomTest, Uuid4HasVersionAndVariant) {
  const std::regex shape("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const auto id = random::uuid4();
    EXPECT_TRUE(std::regex_match(id, shape)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(RandomTest, UniformStaysInBounds) {
  for (int i = 0; i < 1000; ++i) {
    const auto v = random::uniform(5, 9);
    EXPECT_GE(v, 5u);
    EXPECT_LE(v, 9u);
  }
  EXPECT_EQ(random::uniform(7, 7), 7u);
}

TEST(RandomTest, HexEncodes) {
  EXPECT_EQ(random::hex({0x00, 0xab, 0x10}), "00ab10");
}

}  // namespace
}  // namespace neutrino
