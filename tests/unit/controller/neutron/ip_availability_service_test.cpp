#include "controller/neutron/ip_availability_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

class IpAvailabilityServiceTest : public testing::ServiceFixture {
 protected:
  Json show(const std::string& network_id) {
    return *db().read(
        [&](store::SqlSession& s) { return IpAvailabilityService::show(s, network_id); });
  }
  // The subnet entry of that IP version (subnets created within one second come in id order).
  static Json subnet_of(const Json& availability, int version) {
    for (const auto& subnet : availability["subnet_ip_availability"]) {
      if (subnet["ip_version"] == version) {
        return subnet;
      }
    }
    return nullptr;
  }
};

TEST_F(IpAvailabilityServiceTest, NetworkWithoutSubnetsHasNothing) {
  const Json net = create_network(alice_, {{"name", "empty"}});
  const Json a = show(net["id"]);
  EXPECT_EQ(a["network_name"], "empty");
  EXPECT_EQ(a["project_id"], "alice-project");
  EXPECT_EQ(a["tenant_id"], "alice-project");
  EXPECT_EQ(a["total_ips"], 0);
  EXPECT_EQ(a["used_ips"], 0);
  EXPECT_EQ(a["subnet_ip_availability"], Json::array());
}

TEST_F(IpAvailabilityServiceTest, TotalsArePoolSizesAndUsedFollowsPorts) {
  const Json net = create_network(alice_);
  const Json v4 = create_subnet(alice_, {{"network_id", net["id"]},
                                         {"cidr", "10.9.0.0/24"},
                                         {"ip_version", 4},
                                         {"enable_dhcp", false}});
  const Json v6 = create_subnet(alice_, {{"network_id", net["id"]},
                                         {"cidr", "2001:db8::/64"},
                                         {"ip_version", 6},
                                         {"enable_dhcp", false}});
  Json a = show(net["id"]);
  ASSERT_EQ(a["subnet_ip_availability"].size(), 2u);
  EXPECT_EQ(subnet_of(a, 4)["subnet_id"], v4["id"]);
  EXPECT_EQ(subnet_of(a, 4)["total_ips"], 253);  // /24 less net, gw, broadcast
  EXPECT_EQ(subnet_of(a, 6)["subnet_id"], v6["id"]);
  EXPECT_EQ(subnet_of(a, 6)["total_ips"].get<uint64_t>(),
            18446744073709551614ULL);  // 2^64 less the router anycast and the gateway
  EXPECT_EQ(a["used_ips"], 0);
  const Json port = create_port(alice_, {{"network_id", net["id"]}});  // one address on each
  a = show(net["id"]);
  EXPECT_EQ(a["used_ips"], 2);
  EXPECT_EQ(subnet_of(a, 4)["used_ips"], 1);
  EXPECT_EQ(subnet_of(a, 6)["used_ips"], 1);
  EXPECT_EQ(subnet_of(a, 6)["cidr"], "2001:db8::/64");
  // The network's total saturates rather than wrapping past 2^64-1.
  EXPECT_EQ(a["total_ips"].get<uint64_t>(), UINT64_MAX);
  db().write([&](store::SqlSession& s) { ports_.remove(s, alice_, port["id"]); });
  EXPECT_EQ(show(net["id"])["used_ips"], 0);
}

TEST_F(IpAvailabilityServiceTest, ExplicitPoolsAndVersionFilter) {
  const Json net = create_network(alice_);
  create_subnet(alice_, {{"network_id", net["id"]},
                         {"cidr", "10.8.0.0/24"},
                         {"ip_version", 4},
                         {"allocation_pools",
                          Json::array({{{"start", "10.8.0.10"}, {"end", "10.8.0.19"}},
                                       {{"start", "10.8.0.100"}, {"end", "10.8.0.104"}}})}});
  create_subnet(alice_,
                {{"network_id", net["id"]}, {"cidr", "2001:db8:1::/64"}, {"ip_version", 6}});
  EXPECT_EQ(subnet_of(show(net["id"]), 4)["total_ips"], 15);
  const auto only_v4 =
      db().read([](store::SqlSession& s) { return IpAvailabilityService::list(s, {4}); });
  ASSERT_EQ(only_v4.size(), 1u);
  EXPECT_EQ(only_v4[0]["total_ips"], 15);
  EXPECT_EQ(only_v4[0]["subnet_ip_availability"].size(), 1u);
  EXPECT_FALSE(db().read([](store::SqlSession& s) {
                     return IpAvailabilityService::show(s, "no-such-network");
                   })
                   .has_value());
}

}  // namespace
}  // namespace neutrino::neutron
