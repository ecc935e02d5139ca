#include "controller/neutron/extensions.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace neutrino::neutron {
namespace {

const Json* advertised(const std::string& alias) {
  for (const auto& e : supported_extensions()) {
    if (e["alias"] == alias) {
      return &e;
    }
  }
  return nullptr;
}

TEST(ExtensionsTest, AdvertisesTheServedL3AliasesAsNeutronDescribesThem) {
  const Json* router = advertised("router");
  ASSERT_NE(router, nullptr);
  EXPECT_EQ((*router)["name"], "Neutron L3 Router");
  EXPECT_EQ((*router)["updated"], "2012-07-20T10:00:00-00:00");
  ASSERT_NE(advertised("ext-gw-mode"), nullptr);
  EXPECT_EQ((*advertised("ext-gw-mode"))["updated"], "2013-03-28T10:00:00-00:00");
  ASSERT_NE(advertised("extraroute"), nullptr);
  EXPECT_EQ((*advertised("extraroute"))["name"], "Neutron Extra Route");
  ASSERT_NE(advertised("fip-port-details"), nullptr);
  EXPECT_EQ((*advertised("fip-port-details"))["description"],
            "Add port_details attribute to Floating IP resource");
}

TEST(ExtensionsTest, LeavesOutL3AliasesThatAreNotServed) {
  for (const char* alias :
       {"dvr", "l3-ha", "l3_agent_scheduler", "l3-flavors", "extraroute-atomic", "floatingip-pools",
        "router-interface-fip", "router-admin-state-down-before-update"}) {
    EXPECT_EQ(advertised(alias), nullptr) << alias;
  }
}

TEST(ExtensionsTest, EveryAliasOnceWithNameDescriptionAndDate) {
  std::set<std::string> aliases;
  for (const auto& e : supported_extensions()) {
    EXPECT_TRUE(aliases.insert(e["alias"].get<std::string>()).second) << e["alias"];
    EXPECT_FALSE(e["name"].get<std::string>().empty()) << e["alias"];
    EXPECT_FALSE(e["description"].get<std::string>().empty()) << e["alias"];
    EXPECT_EQ(e["updated"].get<std::string>().size(), 25U) << e["alias"];
  }
}

}  // namespace
}  // namespace neutrino::neutron
