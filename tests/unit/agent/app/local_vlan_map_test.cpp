#include "agent/app/local_vlan_map.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "common/random.hpp"

namespace neutrino::agent {
namespace {

class LocalVlanMapTest : public ::testing::Test {
 protected:
  void TearDown() override { std::filesystem::remove(path_); }
  std::string path_ =
      (std::filesystem::temp_directory_path() / ("lvids-" + random::uuid4() + ".json")).string();
};

TEST_F(LocalVlanMapTest, KeepsIdsAcrossUpdatesAndRestarts) {
  std::map<std::string, int> first;
  {
    LocalVlanMap map(path_);
    first = map.update({"net-a", "net-b"});
    EXPECT_EQ(first.size(), 2u);
    EXPECT_NE(first.at("net-a"), first.at("net-b"));
    // Adding a network does not renumber the others.
    const auto second = map.update({"net-a", "net-b", "net-c"});
    EXPECT_EQ(second.at("net-a"), first.at("net-a"));
    EXPECT_EQ(second.at("net-b"), first.at("net-b"));
  }
  LocalVlanMap restarted(path_);
  EXPECT_EQ(restarted.current().at("net-a"), first.at("net-a"));
  EXPECT_EQ(restarted.current().at("net-b"), first.at("net-b"));
}

TEST_F(LocalVlanMapTest, FreedIdsAreReused) {
  LocalVlanMap map(path_);
  const int a = map.update({"net-a", "net-b"}).at("net-a");
  map.update({"net-b"});
  EXPECT_FALSE(map.current().contains("net-a"));
  EXPECT_EQ(map.update({"net-b", "net-d"}).at("net-d"), a);
}

}  // namespace
}  // namespace neutrino::agent
