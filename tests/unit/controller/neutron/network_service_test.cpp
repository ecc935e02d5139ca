#include "controller/neutron/network_service.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class NetworkServiceTest : public testing::ServiceFixture {};

TEST_F(NetworkServiceTest, TenantNetworkGetsVxlanSegmentAndNeutronDefaults) {
  const Json n = create_network(admin_, {{"name", "n1"}});
  EXPECT_EQ(n["status"], "ACTIVE");
  EXPECT_EQ(n["mtu"], 1450);
  EXPECT_EQ(n["provider:network_type"], "vxlan");
  EXPECT_GE(n["provider:segmentation_id"].get<int>(), 1000);
  EXPECT_EQ(n["admin_state_up"], true);
  EXPECT_EQ(n["shared"], false);
  EXPECT_EQ(n["port_security_enabled"], true);
  EXPECT_EQ(n["revision_number"], 1);
  EXPECT_EQ(n["project_id"], "admin-project");
  EXPECT_EQ(n["tenant_id"], "admin-project");
}

TEST_F(NetworkServiceTest, MembersSeeOwnAndSharedOnlyWithoutProviderAttributes) {
  const Json mine = create_network(alice_, {{"name", "alice-net"}});
  EXPECT_FALSE(mine.contains("provider:network_type"));
  create_network(bob_, {{"name", "bob-net"}});
  create_network(admin_, {{"name", "shared-net"}, {"shared", true}});
  const auto seen = db().read([&](store::SqlSession& s) { return networks_.list(s, alice_); });
  std::set<std::string> names;
  for (const auto& n : seen) {
    names.insert(n["name"].get<std::string>());
  }
  EXPECT_EQ(names, (std::set<std::string>{"alice-net", "shared-net"}));
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return networks_.list(s, admin_); }).size(), 3u);
  const std::string id = mine["id"];
  EXPECT_EQ(refusal([&] { db().read([&](store::SqlSession& s) { networks_.show(s, bob_, id); }); }),
            Refusal(404, "NetworkNotFound"));
}

TEST_F(NetworkServiceTest, ExternalNetworksAreSeenByEveryProjectButNotUsed) {
  const Json external = create_network(admin_, {{"name", "public"}, {"router:external", true}});
  const std::string id = external["id"];
  const auto seen = db().read([&](store::SqlSession& s) { return networks_.list(s, bob_); });
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0]["name"], "public");
  EXPECT_EQ(seen[0]["router:external"], true);
  EXPECT_FALSE(seen[0].contains("provider:network_type"));
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return networks_.show(s, bob_, id); })["id"], id);
  // Seen, not owned: no changes, no ports, no subnets (Neutron's policy).
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                networks_.update(s, bob_, id, {{"name", "mine now"}});
              });
            }).first,
            403);
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) { networks_.remove(s, bob_, id); });
            }).first,
            403);
  EXPECT_EQ(refusal([&] {
              create_port(bob_, {{"network_id", id}});
            }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(refusal([&] {
              create_subnet(bob_, {{"network_id", id}, {"ip_version", 4}, {"cidr", "10.9.0.0/24"}});
            }).first,
            403);
}

TEST_F(NetworkServiceTest, AdminOnlyAttributesAreForbiddenForMembers) {
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"provider:network_type", "vlan"}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"shared", true}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  // Naming another project is a 400 in Neutron (neutron-lib's _validate_privileges).
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"project_id", "bob-project"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks"), 0);
}

TEST_F(NetworkServiceTest, ProviderVlanNetworkHasFullMtu) {
  const Json n = create_network(admin_, {{"provider:network_type", "vlan"},
                                         {"provider:physical_network", "physnet1"},
                                         {"provider:segmentation_id", 150}});
  EXPECT_EQ(n["mtu"], 1500);
  EXPECT_EQ(n["provider:segmentation_id"], 150);
  EXPECT_EQ(refusal([&] {
              create_network(admin_, {{"provider:network_type", "vlan"},
                                      {"provider:physical_network", "physnet1"},
                                      {"provider:segmentation_id", 150}});
            }),
            Refusal(409, "VlanIdInUse"));
  // The refused create left nothing behind.
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks"), 1);
}

TEST_F(NetworkServiceTest, UpdateBumpsRevisionAndChecksMtu) {
  const Json n = create_network(alice_, {{"name", "a"}});
  const std::string id = n["id"];
  auto update = [&](Json body) {
    const Json a = network_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return networks_.update(s, alice_, id, a); });
  };
  const Json updated = update({{"name", "b"}, {"description", "d"}, {"mtu", 1400}});
  EXPECT_EQ(updated["name"], "b");
  EXPECT_EQ(updated["mtu"], 1400);
  EXPECT_EQ(updated["revision_number"], 2);
  EXPECT_EQ(refusal([&] { update({{"mtu", 1451}}); }), Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { update({{"provider:segmentation_id", 5}}); }).first, 403);
}

TEST_F(NetworkServiceTest, DeleteRefusedWhilePortsUseIt) {
  const Json n = create_network(alice_);
  const std::string id = n["id"];
  const Json port = create_port(alice_, {{"network_id", id}});
  auto remove = [&] { db().write([&](store::SqlSession& s) { networks_.remove(s, alice_, id); }); };
  EXPECT_EQ(refusal(remove), Refusal(409, "NetworkInUse"));
  db().write([&](store::SqlSession& s) { ports_.remove(s, alice_, port["id"]); });
  create_port(alice_, {{"network_id", id}, {"device_owner", "network:dhcp"}});
  EXPECT_EQ(refusal(remove), Refusal(0, ""));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_vxlan_allocations"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
