#include "controller/neutron/floating_ip_service.hpp"

#include <gtest/gtest.h>

#include "l3_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class FloatingIpServiceTest : public testing::L3Fixture {
 protected:
  void SetUp() override {
    L3Fixture::SetUp();
    router_ = create_router(alice_, {{"external_gateway_info", {{"network_id", public_}}}})["id"];
    subnet_ = tenant_subnet(alice_, "10.1.0.0/24");
    add_interface(alice_, router_, {{"subnet_id", subnet_["id"]}});
    port_ = create_port(alice_, {{"network_id", subnet_["network_id"]}});
  }
  std::string router_;
  Json subnet_;
  Json port_;
};

TEST_F(FloatingIpServiceTest, CreateAssociateMoveDisassociateDelete) {
  const Json fip = create_fip(alice_, {{"floating_network_id", public_}});
  EXPECT_EQ(fip["status"], "DOWN");
  EXPECT_TRUE(fip["port_id"].is_null());
  EXPECT_TRUE(fip["port_details"].is_null());
  EXPECT_EQ(fip["floating_ip_address"].get<std::string>().rfind("198.51.100.", 0), 0u);
  EXPECT_FALSE(fip.contains("name"));
  const Json associated = update_fip(alice_, fip["id"], {{"port_id", port_["id"]}});
  EXPECT_EQ(associated["router_id"], router_);
  EXPECT_EQ(associated["fixed_ip_address"], port_["fixed_ips"][0]["ip_address"]);
  EXPECT_EQ(associated["port_details"]["mac_address"], port_["mac_address"]);
  EXPECT_EQ(associated["port_details"]["network_id"], subnet_["network_id"]);

  const Json other = create_port(alice_, {{"network_id", subnet_["network_id"]}});
  EXPECT_EQ(update_fip(alice_, fip["id"], {{"port_id", other["id"]}})["port_id"], other["id"]);
  // Another attribute keeps the association; a blank update clears it, as in Neutron.
  EXPECT_EQ(update_fip(alice_, fip["id"], {{"description", "d"}})["port_id"], other["id"]);
  EXPECT_TRUE(update_fip(alice_, fip["id"], Json::object())["port_id"].is_null());
  update_fip(alice_, fip["id"], {{"port_id", other["id"]}});
  EXPECT_EQ(refusal([&] {
              update_fip(alice_, fip["id"], {{"fixed_ip_address", "10.1.0.3"}});
            }),
            Refusal(400, "BadRequest"));
  const Json cleared = update_fip(alice_, fip["id"], {{"port_id", nullptr}});
  EXPECT_TRUE(cleared["port_id"].is_null());
  EXPECT_TRUE(cleared["router_id"].is_null());
  EXPECT_TRUE(cleared["fixed_ip_address"].is_null());
  db().write([&](store::SqlSession& s) { fips_.remove(s, alice_, fip["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE device_owner = 'network:floatingip'"), 0);
  EXPECT_GE(journaled("floatingip"), 4);
}

TEST_F(FloatingIpServiceTest, NoRouterToTheExternalNetworkIsNotFound) {
  const Json lonely = tenant_subnet(alice_, "10.2.0.0/24");
  const Json port = create_port(alice_, {{"network_id", lonely["network_id"]}});
  EXPECT_EQ(refusal([&] {
              create_fip(alice_, {{"floating_network_id", public_}, {"port_id", port["id"]}});
            }),
            Refusal(404, "ExternalGatewayForFloatingIPNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM floatingips"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE device_owner = 'network:floatingip'"), 0);
}

TEST_F(FloatingIpServiceTest, ANetworkNotExternalToTheCallerIsNotFound) {
  const std::string net = network_external_to(admin_.project_id);
  const int64_t ports = count("SELECT COUNT(*) FROM ports");
  EXPECT_EQ(refusal([&] {
              create_fip(alice_, {{"floating_network_id", net}});
            }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM floatingips"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), ports);
  EXPECT_EQ(create_fip(admin_, {{"floating_network_id", net}})["floating_network_id"], net);
}

TEST_F(FloatingIpServiceTest, RefusalsFollowNeutron) {
  EXPECT_EQ(refusal([&] {
              create_fip(alice_, {{"floating_network_id", subnet_["network_id"]}});
            }),
            Refusal(400, "BadRequest"));
  EXPECT_EQ(refusal([&] {
              create_fip(alice_, {{"floating_network_id", public_},
                                  {"floating_ip_address", "198.51.100.5"}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  // An address the router's gateway did not take.
  const std::string gateway = db().read([&](store::SqlSession& s) {
    return s
        .query(
            "SELECT a.ip_address FROM ipallocations a JOIN ports p ON p.id = a.port_id "
            "WHERE p.device_owner = 'network:router_gateway'")[0]
        .text(0);
  });
  const std::string chosen = gateway == "198.51.100.5" ? "198.51.100.6" : "198.51.100.5";
  EXPECT_EQ(create_fip(admin_, {{"floating_network_id", public_},
                                {"floating_ip_address", chosen}})["floating_ip_address"],
            chosen);
  const Json fip = create_fip(alice_, {{"floating_network_id", public_}});
  EXPECT_EQ(refusal([&] {
              update_fip(alice_, fip["id"],
                         {{"port_id", port_["id"]}, {"fixed_ip_address", "10.1.0.250"}});
            }),
            Refusal(400, "BadRequest"));
  update_fip(alice_, fip["id"], {{"port_id", port_["id"]}});
  const Json second = create_fip(alice_, {{"floating_network_id", public_}});
  EXPECT_EQ(refusal([&] {
              update_fip(alice_, second["id"], {{"port_id", port_["id"]}});
            }),
            Refusal(409, "FloatingIPPortAlreadyAssociated"));
  EXPECT_EQ(refusal([&] {
              db().read([&](store::SqlSession& s) { return fips_.show(s, bob_, fip["id"]); });
            }),
            Refusal(404, "FloatingIPNotFound"));
  // The gateway and the interface are needed while a floating IP uses them.
  EXPECT_EQ(refusal([&] {
              update_router(alice_, router_, {{"external_gateway_info", nullptr}});
            }),
            Refusal(409, "RouterExternalGatewayInUseByFloatingIp"));
  EXPECT_EQ(refusal([&] {
              remove_interface(alice_, router_, {{"subnet_id", subnet_["id"]}});
            }),
            Refusal(409, "RouterInterfaceInUseByFloatingIP"));
}

TEST_F(FloatingIpServiceTest, ExhaustedPoolIsConflictAndDeletingThePortDisassociates) {
  // The gateway holds one of five addresses.
  const Json fip = create_fip(alice_, {{"floating_network_id", public_}, {"port_id", port_["id"]}});
  for (int i = 0; i < 3; ++i) {
    create_fip(alice_, {{"floating_network_id", public_}});
  }
  EXPECT_EQ(refusal([&] {
              create_fip(alice_, {{"floating_network_id", public_}});
            }),
            Refusal(409, "IpAddressGenerationFailure"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM floatingips"), 4);
  delete_port(alice_, port_["id"]);
  EXPECT_TRUE(
      db().read([&](store::SqlSession& s) { return fips_.show(s, alice_, fip["id"]); })["port_id"]
          .is_null());
  // Floating IP ports go with their floating IP, never directly.
  const std::string floating_port = db().read([&](store::SqlSession& s) {
    return s.query("SELECT floating_port_id FROM floatingips LIMIT 1")[0].text(0);
  });
  EXPECT_EQ(refusal([&] { delete_port(admin_, floating_port); }), Refusal(409, "ServicePortInUse"));
  // An external network's floating IPs go with it.
  update_router(alice_, router_, {{"external_gateway_info", nullptr}});
  db().write([&](store::SqlSession& s) { networks_.remove(s, admin_, public_); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM floatingips"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
