#include "common/ini_config.hpp"

#include <gtest/gtest.h>

namespace neutrino {
namespace {

TEST(IniConfigTest, ReadsSectionsAndDefaultKeys) {
  const auto config = IniConfig::parse(
      "# comment\nlisten = 127.0.0.1:9696\n[ml2_type_vxlan]\nvni_ranges = 1:100 \n");
  EXPECT_EQ(config.get("listen"), "127.0.0.1:9696");
  EXPECT_EQ(config.get("DEFAULT.listen"), "127.0.0.1:9696");
  EXPECT_EQ(config.get("ml2_type_vxlan.vni_ranges"), "1:100");
  EXPECT_FALSE(config.get("vni_ranges").has_value());
}

TEST(IniConfigTest, RejectsLinesWithoutEquals) {
  EXPECT_THROW(IniConfig::parse("[a]\njust words\n"), std::runtime_error);
  EXPECT_THROW(IniConfig::parse("[broken\n"), std::runtime_error);
}

}  // namespace
}  // namespace neutrino
