#include "controller/neutron/subnet_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SubnetServiceTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
  }
  Json subnet(Json extra) {
    Json body = {{"network_id", network_id_}, {"ip_version", 4}};
    body.update(extra);
    return create_subnet(alice_, body);
  }
  std::string network_id_;
};

TEST_F(SubnetServiceTest, DefaultPoolExcludesNetworkBroadcastAndGateway) {
  const Json s = subnet({{"cidr", "10.0.0.0/24"}});
  EXPECT_EQ(s["gateway_ip"], "10.0.0.1");
  EXPECT_EQ(s["allocation_pools"], Json::parse(R"([{"start":"10.0.0.2","end":"10.0.0.254"}])"));
  EXPECT_EQ(s["enable_dhcp"], true);
  EXPECT_EQ(s["revision_number"], 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocationpools"), 1);
}

TEST_F(SubnetServiceTest, TwoPoolsAndListAttributesAreStored) {
  const Json s =
      subnet({{"cidr", "10.20.0.0/16"},
              {"allocation_pools", Json::parse(R"([{"start":"10.20.0.10","end":"10.20.0.100"},
                                                               {"start":"10.20.1.10","end":"10.20.1.100"}])")},
              {"dns_nameservers", {"10.20.0.2", "8.8.8.8"}},
              {"host_routes",
               Json::parse(R"([{"destination":"192.168.0.0/24","nexthop":"10.20.0.254"}])")}});
  EXPECT_EQ(s["allocation_pools"].size(), 2u);
  EXPECT_EQ(s["dns_nameservers"], Json({"10.20.0.2", "8.8.8.8"}));
  EXPECT_EQ(s["host_routes"][0]["nexthop"], "10.20.0.254");
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocationpools WHERE first_ip = '10.20.1.10' AND "
                  "last_ip = '10.20.1.100'"),
            1);
}

TEST_F(SubnetServiceTest, RefusesBadCidrsPoolsAndOverlaps) {
  subnet({{"cidr", "10.0.0.0/24"}});
  EXPECT_EQ(refusal([&] { subnet({{"cidr", "10.0.0.0/25"}}); }), Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { subnet({{"cidr", "10.1.0.5/24"}}); }), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] { subnet({{"cidr", "banana"}}); }), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(
      refusal([&] {
        subnet({{"cidr", "10.9.0.0/24"},
                {"allocation_pools", Json::parse(R"([{"start":"10.9.1.1","end":"10.9.1.5"}])")}});
      }),
      Refusal(400, "OutOfBoundsAllocationPool"));
  EXPECT_EQ(
      refusal([&] {
        subnet({{"cidr", "10.9.0.0/24"},
                {"allocation_pools", Json::parse(R"([{"start":"10.9.0.1","end":"10.9.0.5"}])")}});
      }),
      Refusal(409, "GatewayConflictWithAllocationPools"));
  EXPECT_EQ(refusal([&] {
              create_subnet(
                  bob_, {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.5.0.0/24"}});
            }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnets"), 1);
}

TEST_F(SubnetServiceTest, PoolUpdateKeepsExistingAllocations) {
  const Json s = subnet({{"cidr", "10.0.0.0/24"}});
  const Json port = create_port(
      alice_, {{"network_id", network_id_}, {"fixed_ips", {{{"ip_address", "10.0.0.50"}}}}});
  const Json updated = update_subnet(
      alice_, s["id"],
      {{"allocation_pools", Json::parse(R"([{"start":"10.0.0.5","end":"10.0.0.9"}])")}});
  EXPECT_EQ(updated["allocation_pools"].size(), 1u);
  EXPECT_EQ(updated["revision_number"], 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocations WHERE ip_address = '10.0.0.50'"), 1);
  EXPECT_EQ(refusal([&] {
              update_subnet(alice_, s["id"],
                            {{"allocation_pools",
                              Json::parse(R"([{"start":"10.0.0.1","end":"10.0.0.9"}])")}});
            }),
            Refusal(409, "GatewayConflictWithAllocationPools"));
  // The refused update kept the previous pools.
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocationpools WHERE first_ip = '10.0.0.5'"), 1);
}

TEST_F(SubnetServiceTest, DeleteRefusedWhilePortsHoldAddresses) {
  const Json s = subnet({{"cidr", "10.0.0.0/24"}});
  const Json port = create_port(alice_, {{"network_id", network_id_}});
  auto remove = [&] {
    db().write([&](store::SqlSession& ss) { subnets_.remove(ss, alice_, s["id"]); });
  };
  EXPECT_EQ(refusal(remove), Refusal(409, "SubnetInUse"));
  db().write([&](store::SqlSession& ss) { ports_.remove(ss, alice_, port["id"]); });
  EXPECT_EQ(refusal(remove), Refusal(0, ""));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocationpools"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
