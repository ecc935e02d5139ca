#include "agent/channel/controller_address.hpp"

#include <gtest/gtest.h>

namespace neutrino::agent {
namespace {

TEST(ControllerAddressTest, ParsesTheListInOrder) {
  const auto list = parse_controller_list("a.example:9697,10.0.0.2:1, b:65535");
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0], (ControllerAddress{"a.example", 9697}));
  EXPECT_EQ(list[1].to_string(), "10.0.0.2:1");
  EXPECT_EQ(list[2], (ControllerAddress{"b", 65535}));
  EXPECT_EQ(parse_controller_list("one:5").size(), 1u);
}

TEST(ControllerAddressTest, RejectsWhatCannotBeAController) {
  for (const char* bad : {"", ",", "a:1,", "a:1,,b:2", "a", ":9697", "a:", "a:0", "a:65536",
                          "a:123456", "a:-1", "a:9x", "a:1,a:1"}) {
    EXPECT_THROW(parse_controller_list(bad), std::invalid_argument) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace neutrino::agent
