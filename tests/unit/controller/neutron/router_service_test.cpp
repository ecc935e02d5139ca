#include "controller/neutron/router_service.hpp"

#include <gtest/gtest.h>

#include "l3_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class RouterServiceTest : public testing::L3Fixture {};

TEST_F(RouterServiceTest, CreateShowsNeutronsAttributesAndJournals) {
  const Json r = create_router(alice_, {{"name", "r1"}});
  EXPECT_EQ(r["name"], "r1");
  EXPECT_EQ(r["status"], "ACTIVE");
  EXPECT_EQ(r["admin_state_up"], true);
  EXPECT_TRUE(r["external_gateway_info"].is_null());
  EXPECT_EQ(r["routes"], Json::array());
  EXPECT_EQ(r["project_id"], alice_.project_id);
  EXPECT_EQ(journaled("router"), 1);
  EXPECT_EQ(refusal([&] {
              db().read([&](store::SqlSession& s) { return routers_.show(s, bob_, r["id"]); });
            }),
            Refusal(404, "RouterNotFound"));
}

TEST_F(RouterServiceTest, GatewayPortOnTheExternalNetwork) {
  const Json r = create_router(alice_, {{"external_gateway_info", {{"network_id", public_}}}});
  const Json& gw = r["external_gateway_info"];
  EXPECT_EQ(gw["network_id"], public_);
  EXPECT_EQ(gw["enable_snat"], true);
  ASSERT_EQ(gw["external_fixed_ips"].size(), 1u);
  EXPECT_EQ(gw["external_fixed_ips"][0]["subnet_id"], public_subnet_);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE device_owner = 'network:router_gateway' "
                  "AND project_id = '' AND device_id = '" +
                  r["id"].get<std::string>() + "'"),
            1);
  // enable_snat and chosen addresses are the admin's.
  EXPECT_EQ(refusal([&] {
              update_router(
                  alice_, r["id"],
                  {{"external_gateway_info", {{"network_id", public_}, {"enable_snat", false}}}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  const Json changed =
      update_router(admin_, r["id"],
                    {{"external_gateway_info",
                      {{"network_id", public_},
                       {"enable_snat", false},
                       {"external_fixed_ips", {{{"ip_address", "198.51.100.6"}}}}}}});
  EXPECT_EQ(changed["external_gateway_info"]["enable_snat"], false);
  EXPECT_EQ(changed["external_gateway_info"]["external_fixed_ips"][0]["ip_address"],
            "198.51.100.6");
  update_router(alice_, r["id"], {{"external_gateway_info", nullptr}});
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE device_owner = 'network:router_gateway'"), 0);
}

TEST_F(RouterServiceTest, GatewayMustBeAnExternalNetwork) {
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  EXPECT_EQ(
      refusal([&] {
        create_router(alice_, {{"external_gateway_info", {{"network_id", sub["network_id"]}}}});
      }),
      Refusal(400, "BadRequest"));
  EXPECT_EQ(refusal([&] {
              create_router(alice_, {{"external_gateway_info", {{"network", public_}}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM routers"), 0);
}

TEST_F(RouterServiceTest, GatewayOnAnExternalNetworkWithoutSubnetsHasNoAddress) {
  const std::string bare = create_network(admin_, {{"router:external", true}})["id"];
  const Json r = create_router(alice_, {{"external_gateway_info", {{"network_id", bare}}}});
  EXPECT_EQ(r["external_gateway_info"]["network_id"], bare);
  EXPECT_EQ(r["external_gateway_info"]["external_fixed_ips"], Json::array());
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports WHERE device_owner = 'network:router_gateway' "
                  "AND network_id = '" +
                  bare + "'"),
            1);
}

TEST_F(RouterServiceTest, GatewayOnANetworkNotExternalToTheCallerIsNotFound) {
  const std::string net = network_external_to(admin_.project_id);
  EXPECT_EQ(refusal([&] {
              create_router(alice_, {{"external_gateway_info", {{"network_id", net}}}});
            }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM routers"), 0);
  EXPECT_EQ(create_router(admin_, {{"external_gateway_info",
                                    {{"network_id", net}}}})["external_gateway_info"]["network_id"],
            net);
}

TEST_F(RouterServiceTest, AnExternalNetworkWithGatewaysStaysExternal) {
  const Json r = create_router(alice_, {{"external_gateway_info", {{"network_id", public_}}}});
  const auto make_internal = [&] {
    const Json a = network_schema().validate({{"router:external", false}}, Operation::kUpdate);
    return db().write(
        [&](store::SqlSession& s) { return networks_.update(s, admin_, public_, a); });
  };
  EXPECT_EQ(refusal([&] { make_internal(); }), Refusal(409, "ExternalNetworkInUse"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks WHERE router_external = 1"), 1);
  update_router(alice_, r["id"], {{"external_gateway_info", nullptr}});
  EXPECT_EQ(make_internal()["router:external"], false);
}

TEST_F(RouterServiceTest, InterfacesBySubnetTakeTheGatewayAddress) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  const Json info = add_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
  EXPECT_EQ(info["id"], r["id"]);
  EXPECT_EQ(info["subnet_id"], sub["id"]);
  EXPECT_EQ(info["subnet_ids"], Json::array({sub["id"]}));
  EXPECT_EQ(info["network_id"], sub["network_id"]);
  const Json port =
      db().read([&](store::SqlSession& s) { return ports_.show(s, alice_, info["port_id"]); });
  EXPECT_EQ(port["device_owner"], "network:router_interface");
  EXPECT_EQ(port["device_id"], r["id"]);
  EXPECT_EQ(port["fixed_ips"][0]["ip_address"], "10.1.0.1");
}

TEST_F(RouterServiceTest, InterfacePortsAreActiveWhileTheRouterIsUp) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  const std::string by_subnet =
      add_interface(alice_, r["id"], {{"subnet_id", sub["id"]}})["port_id"];
  const Json other = tenant_subnet(alice_, "10.2.0.0/24");
  const std::string by_port = create_port(alice_, {{"network_id", other["network_id"]}})["id"];
  add_interface(alice_, r["id"], {{"port_id", by_port}});
  const auto port = [&](const std::string& id) {
    return db().read([&](store::SqlSession& s) { return ports_.show(s, alice_, id); });
  };
  EXPECT_EQ(port(by_subnet)["status"], "ACTIVE");
  EXPECT_EQ(port(by_port)["status"], "ACTIVE");
  const int64_t revision = port(by_subnet)["revision_number"];
  const int64_t journaled_ports = journaled("port");
  update_router(alice_, r["id"], {{"admin_state_up", false}});
  EXPECT_EQ(port(by_subnet)["status"], "DOWN");
  EXPECT_EQ(port(by_port)["status"], "DOWN");
  EXPECT_GT(port(by_subnet)["revision_number"].get<int64_t>(), revision);
  EXPECT_EQ(journaled("port"), journaled_ports + 2);
  // An interface added to a router that is down stays down until the router is up.
  const Json third = tenant_subnet(alice_, "10.3.0.0/24");
  const std::string added_down =
      add_interface(alice_, r["id"], {{"subnet_id", third["id"]}})["port_id"];
  EXPECT_EQ(port(added_down)["status"], "DOWN");
  update_router(alice_, r["id"], {{"admin_state_up", true}});
  EXPECT_EQ(port(added_down)["status"], "ACTIVE");
  EXPECT_EQ(port(by_port)["status"], "ACTIVE");
}

TEST_F(RouterServiceTest, InterfaceRefusalsChangeNothing) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  add_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
  const Json overlap = tenant_subnet(alice_, "10.1.0.128/25");
  const Json no_gateway = tenant_subnet(alice_, "10.2.0.0/24", {{"gateway_ip", nullptr}});
  const int64_t ports = count("SELECT COUNT(*) FROM ports");
  for (const Json& body : {Json{{"subnet_id", sub["id"]}}, Json{{"subnet_id", overlap["id"]}},
                           Json{{"subnet_id", no_gateway["id"]}}, Json::object(),
                           Json{{"subnet_id", sub["id"]}, {"port_id", sub["id"]}}}) {
    EXPECT_EQ(refusal([&] { add_interface(alice_, r["id"], body); }), Refusal(400, "BadRequest"))
        << body.dump();
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), ports);
  EXPECT_EQ(count("SELECT COUNT(*) FROM routerports"), 1);
  EXPECT_EQ(refusal([&] {
              add_interface(bob_, r["id"], {{"subnet_id", sub["id"]}});
            }),
            Refusal(404, "RouterNotFound"));
}

TEST_F(RouterServiceTest, InUseRouterSubnetAndPortAreConflicts) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  const Json info = add_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
  EXPECT_EQ(refusal([&] { delete_router(alice_, r["id"]); }), Refusal(409, "RouterInUse"));
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) { subnets_.remove(s, alice_, sub["id"]); });
            }),
            Refusal(409, "SubnetInUse"));
  EXPECT_EQ(refusal([&] { delete_port(alice_, info["port_id"]); }),
            Refusal(409, "ServicePortInUse"));
  remove_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
  EXPECT_EQ(refusal([&] {
              remove_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
            }),
            Refusal(404, "RouterInterfaceNotFoundForSubnet"));
  delete_router(alice_, r["id"]);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM routers"), 0);
}

TEST_F(RouterServiceTest, InterfaceByPort) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  const Json port = create_port(alice_, {{"network_id", sub["network_id"]}});
  add_interface(alice_, r["id"], {{"port_id", port["id"]}});
  const Json shown =
      db().read([&](store::SqlSession& s) { return ports_.show(s, alice_, port["id"]); });
  EXPECT_EQ(shown["device_owner"], "network:router_interface");
  const Json other = create_router(alice_);
  EXPECT_EQ(refusal([&] {
              add_interface(alice_, other["id"], {{"port_id", port["id"]}});
            }),
            Refusal(409, "PortInUse"));
  EXPECT_EQ(refusal([&] {
              remove_interface(alice_, other["id"], {{"port_id", port["id"]}});
            }),
            Refusal(404, "RouterInterfaceNotFound"));
  remove_interface(alice_, r["id"], {{"port_id", port["id"]}});
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
}

TEST_F(RouterServiceTest, RoutesNeedAConnectedNextHop) {
  const Json r = create_router(alice_);
  const Json sub = tenant_subnet(alice_, "10.1.0.0/24");
  add_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
  const Json route = {{"destination", "192.168.0.0/24"}, {"nexthop", "10.1.0.9"}};
  EXPECT_EQ(update_router(alice_, r["id"], {{"routes", {route}}})["routes"], Json::array({route}));
  for (const Json& bad : {Json{{"destination", "192.168.0.0/24"}, {"nexthop", "10.9.0.9"}},
                          Json{{"destination", "192.168.0.0/24"}, {"nexthop", "10.1.0.1"}}}) {
    EXPECT_EQ(refusal([&] {
                update_router(alice_, r["id"], {{"routes", {bad}}});
              }),
              Refusal(400, "InvalidRoutes"));
  }
  EXPECT_EQ(refusal([&] {
              update_router(alice_, r["id"], {{"routes", {{{"destination", "x"}}}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              remove_interface(alice_, r["id"], {{"subnet_id", sub["id"]}});
            }),
            Refusal(409, "RouterInterfaceInUseByRoute"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM routerroutes"), 1);
}

}  // namespace
}  // namespace neutrino::neutron
