#include "controller/agents/availability_zones.hpp"

#include <gtest/gtest.h>

#include "../neutron/service_fixture.hpp"
#include "controller/agents/agent_service.hpp"

namespace neutrino::agents {
namespace {

class AvailabilityZonesTest : public neutron::testing::ServiceFixture {
 protected:
  std::string report(const std::string& host, const std::string& zone) {
    AgentReport r;
    r.host = host;
    r.availability_zone = zone;
    return db().write([&](store::SqlSession& s) { return agents_.report(s, r, true); });
  }
  std::vector<Json> zones() {
    return db().read([&](store::SqlSession& s) { return AvailabilityZones::list(s); });
  }
  std::string dhcp_agent_of(const std::string& host) {
    for (const auto& a : db().read([&](store::SqlSession& s) { return agents_.list(s, admin_); })) {
      if (a["host"] == host && a["agent_type"] == kDhcpAgentType) {
        return a["id"];
      }
    }
    return "";
  }
};

TEST_F(AvailabilityZonesTest, NoAgentsNoZones) {
  EXPECT_TRUE(zones().empty());
}

TEST_F(AvailabilityZonesTest, EachDhcpAgentZoneIsANetworkZone) {
  report("h1", "nova");
  report("h2", "az2");
  report("h3", "az2");
  const auto list = zones();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0], Json({{"name", "az2"}, {"resource", "network"}, {"state", "available"}}));
  EXPECT_EQ(list[1], Json({{"name", "nova"}, {"resource", "network"}, {"state", "available"}}));
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return AvailabilityZones::names(s, "network"); }),
            (std::set<std::string>{"az2", "nova"}));
  EXPECT_TRUE(db().read([&](store::SqlSession& s) { return AvailabilityZones::names(s, "router"); })
                  .empty());
}

TEST_F(AvailabilityZonesTest, AZoneIsUnavailableOnlyWhenAllItsAgentsAreDisabled) {
  report("h2", "az2");
  report("h3", "az2");
  for (const std::string host : {"h2", "h3"}) {
    db().write([&](store::SqlSession& s) {
      return agents_.update(s, admin_, dhcp_agent_of(host), {{"admin_state_up", false}});
    });
    EXPECT_EQ(zones().at(0)["state"], host == "h2" ? "available" : "unavailable");
  }
}

}  // namespace
}  // namespace neutrino::agents
