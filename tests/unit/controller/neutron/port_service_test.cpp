#include "controller/neutron/port_service.hpp"

#include <gtest/gtest.h>

#include <set>

#include "controller/neutron/rbac_access.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class PortServiceTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
    subnet_id_ = create_subnet(
        alice_, {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.0.0.0/29"}})["id"];
  }
  Json port(Json extra = Json::object()) {
    Json body = {{"network_id", network_id_}};
    body.update(extra);
    return create_port(alice_, body);
  }
  std::string network_id_;
  std::string subnet_id_;
};

TEST_F(PortServiceTest, GetsAddressFromPoolAndBaseMac) {
  const Json p = port();
  EXPECT_EQ(p["status"], "DOWN");
  EXPECT_EQ(p["mac_address"].get<std::string>().substr(0, 9), "fa:16:3e:");
  ASSERT_EQ(p["fixed_ips"].size(), 1u);
  EXPECT_EQ(p["fixed_ips"][0]["subnet_id"], subnet_id_);
  const std::string ip = p["fixed_ips"][0]["ip_address"];
  EXPECT_TRUE(std::set<std::string>({"10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5", "10.0.0.6"})
                  .contains(ip))
      << ip;
  EXPECT_FALSE(p.contains("binding:host_id"));  // admin-only view
  EXPECT_EQ(p["binding:vnic_type"], "normal");
}

TEST_F(PortServiceTest, ExhaustionIsConflictAndAddressesAreUnique) {
  std::set<std::string> ips;
  for (int i = 0; i < 5; ++i) {
    ips.insert(port()["fixed_ips"][0]["ip_address"].get<std::string>());
  }
  EXPECT_EQ(ips.size(), 5u);
  EXPECT_EQ(refusal([&] { port(); }), Refusal(409, "IpAddressGenerationFailure"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"subnet_id", subnet_id_}}}}});
            }),
            Refusal(409, "IpAddressGenerationFailure"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 5);
}

TEST_F(PortServiceTest, FixedIpRulesFollowNeutron) {
  const Json p = port({{"fixed_ips", {{{"ip_address", "10.0.0.6"}}}}});
  EXPECT_EQ(p["fixed_ips"][0]["ip_address"], "10.0.0.6");
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"ip_address", "10.0.0.6"}}}}});
            }),
            Refusal(409, "IpAddressAlreadyAllocated"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"ip_address", "10.0.0.7"}}}}});
            }),
            Refusal(400, "InvalidIpForSubnet"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"ip_address", "10.9.0.7"}}}}});
            }),
            Refusal(400, "InvalidIpForNetwork"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"ip_address", "nope"}}}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"subnet_id", "missing"}}}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              port({{"fixed_ips", {{{"subnet_id", "6a1b9c3e-0000-4000-8000-000000000001"}}}}});
            }),
            Refusal(404, "SubnetNotFound"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 1);
  EXPECT_EQ(port({{"fixed_ips", Json::array()}})["fixed_ips"].size(), 0u);
  // The gateway may be taken explicitly (router interfaces do), never automatically.
  EXPECT_EQ(port({{"fixed_ips", {{{"ip_address", "10.0.0.1"}}}}})["fixed_ips"][0]["ip_address"],
            "10.0.0.1");
}

TEST_F(PortServiceTest, UpdateKeepsAddressForSubnetOnlyEntry) {
  const Json p = port();
  const std::string ip = p["fixed_ips"][0]["ip_address"];
  const Json same = update_port(alice_, p["id"], {{"fixed_ips", {{{"subnet_id", subnet_id_}}}}});
  EXPECT_EQ(same["fixed_ips"][0]["ip_address"], ip);
  EXPECT_EQ(same["revision_number"], 2);
  const std::string other = ip == "10.0.0.2" ? "10.0.0.3" : "10.0.0.2";
  const Json moved = update_port(admin_, p["id"], {{"fixed_ips", {{{"ip_address", other}}}}});
  EXPECT_EQ(moved["fixed_ips"][0]["ip_address"], other);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocations WHERE ip_address = '" + ip + "'"), 0);
}

TEST_F(PortServiceTest, MacAddressesAreUniquePerNetwork) {
  port({{"mac_address", "FA:16:3E:00:00:01"}});
  EXPECT_EQ(refusal([&] {
              port({{"mac_address", "fa:16:3e:00:00:01"}});
            }),
            Refusal(409, "MacAddressInUse"));
  EXPECT_EQ(refusal([&] {
              port({{"mac_address", "01:00:5e:00:00:01"}});
            }),
            Refusal(400, "HTTPBadRequest"));
}

TEST_F(PortServiceTest, NullMacAddressRegeneratesIt) {
  const Json p = port({{"mac_address", "fa:16:3e:00:00:07"}});
  // Changing a MAC is for admins (update_port:mac_address), null included.
  EXPECT_EQ(refusal([&] { update_port(alice_, p["id"], {{"mac_address", nullptr}}); }).first, 403);
  const Json updated = update_port(admin_, p["id"], {{"mac_address", nullptr}});
  const std::string mac = updated["mac_address"];
  EXPECT_NE(mac, "fa:16:3e:00:00:07");
  EXPECT_EQ(mac.substr(0, 9), "fa:16:3e:");
  EXPECT_EQ(updated["revision_number"], 2);
  // A port created with null gets one too.
  EXPECT_EQ(port({{"mac_address", nullptr}})["mac_address"].get<std::string>().size(), 17u);
  // The old address is free again.
  port({{"mac_address", "fa:16:3e:00:00:07"}});
}

TEST_F(PortServiceTest, IsolationAndAdminOnlyBinding) {
  const Json p = port();
  EXPECT_EQ(
      refusal([&] { db().read([&](store::SqlSession& s) { ports_.show(s, bob_, p["id"]); }); }),
      Refusal(404, "PortNotFound"));
  EXPECT_EQ(refusal([&] {
              create_port(bob_, {{"network_id", network_id_}});
            }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(refusal([&] {
              port({{"binding:host_id", "compute1"}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  const Json bound =
      create_port(admin_, {{"network_id", network_id_}, {"binding:host_id", "compute1"}});
  EXPECT_EQ(bound["binding:host_id"], "compute1");
  EXPECT_EQ(bound["binding:vif_type"], "binding_failed");
}

TEST_F(PortServiceTest, ASharedNetworksProtectedAttributesAreItsOwners) {
  // Bob on alice's shared network may attach a port but not switch off its anti-spoofing, pick
  // its MAC or address, bind it or make it a network device; nothing of a refusal is stored.
  db().write([&](store::SqlSession& s) {
    RbacAccess::set_wildcard(s, "network", network_id_, kAccessAsShared, "alice-project", true);
  });
  const Json base = {{"network_id", network_id_}};
  for (const Json& extra :
       {Json{{"port_security_enabled", false}}, Json{{"mac_address", "fa:16:3e:12:34:56"}},
        Json{{"fixed_ips", {{{"ip_address", "10.0.0.5"}}}}},
        Json{{"fixed_ips", {{{"subnet_id", subnet_id_}, {"ip_address", "10.0.0.5"}}}}},
        Json{{"device_owner", "network:router_interface"}}, Json{{"binding:host_id", "compute1"}},
        Json{{"binding:profile", Json::object()}}}) {
    Json body = base;
    body.update(extra);
    EXPECT_EQ(refusal([&] { create_port(bob_, body); }), Refusal(403, "PolicyNotAuthorized"))
        << extra.dump();
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocations"), 0);

  const Json bobs = create_port(bob_, {{"network_id", network_id_},
                                       {"fixed_ips", {{{"subnet_id", subnet_id_}}}},
                                       {"device_owner", "compute:nova"}});
  EXPECT_TRUE(bobs["port_security_enabled"]);
  for (const Json& change :
       {Json{{"port_security_enabled", false}}, Json{{"mac_address", "fa:16:3e:12:34:56"}},
        Json{{"fixed_ips", {{{"subnet_id", subnet_id_}}}}}, Json{{"device_owner", "network:dhcp"}},
        Json{{"binding:host_id", "compute1"}}}) {
    EXPECT_EQ(refusal([&] { update_port(bob_, bobs["id"], change); }),
              Refusal(403, "PolicyNotAuthorized"))
        << change.dump();
  }
  const Json unchanged =
      db().read([&](store::SqlSession& s) { return ports_.show(s, admin_, bobs["id"]); });
  EXPECT_EQ(unchanged["revision_number"], bobs["revision_number"]);
  EXPECT_TRUE(unchanged["port_security_enabled"]);
  EXPECT_EQ(unchanged["mac_address"], bobs["mac_address"]);

  // The network's owner and the admin may. (Bob's port drew one of the /29's five addresses
  // at random: the owner names another.)
  const std::string wanted =
      bobs["fixed_ips"][0]["ip_address"] == "10.0.0.5" ? "10.0.0.4" : "10.0.0.5";
  const Json owners = port({{"port_security_enabled", false},
                            {"mac_address", "fa:16:3e:12:34:56"},
                            {"fixed_ips", {{{"ip_address", wanted}}}},
                            {"device_owner", "network:dhcp"}});
  EXPECT_FALSE(owners["port_security_enabled"]);
  EXPECT_FALSE(update_port(alice_, bobs["id"],
                           {{"port_security_enabled", false},
                            {"security_groups", Json::array()}})["port_security_enabled"]);
  const Json admins = create_port(admin_, {{"network_id", network_id_},
                                           {"port_security_enabled", false},
                                           {"mac_address", "fa:16:3e:12:34:57"}});
  EXPECT_FALSE(admins["port_security_enabled"]);
}

}  // namespace
}  // namespace neutrino::neutron
