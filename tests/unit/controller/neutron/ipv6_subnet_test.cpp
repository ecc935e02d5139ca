// IPv6 address modes of subnets and the EUI-64 addresses ports get on SLAAC and
// DHCPv6-stateless subnets.
#include <gtest/gtest.h>

#include "controller/neutron/ipv6_modes.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class Ipv6SubnetTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
  }
  Json subnet(const std::string& cidr, Json extra = Json::object(), int version = 6) {
    Json body = {{"network_id", network_id_}, {"ip_version", version}, {"cidr", cidr}};
    body.update(extra);
    return create_subnet(alice_, body);
  }
  Json modes(const std::string& mode) {
    return {{"ipv6_ra_mode", mode}, {"ipv6_address_mode", mode}};
  }
  Json port(Json extra = Json::object()) {
    Json body = {{"network_id", network_id_}};
    body.update(extra);
    return create_port(alice_, body);
  }
  void remove_subnet(const std::string& id) {
    db().write([&](store::SqlSession& s) { subnets_.remove(s, alice_, id); });
  }
  std::string network_id_;
};

TEST_F(Ipv6SubnetTest, ModesAreKeptAndShown) {
  const Json s = subnet("2001:db8:1::/64", modes("dhcpv6-stateful"));
  EXPECT_EQ(s["ipv6_ra_mode"], "dhcpv6-stateful");
  EXPECT_EQ(s["ipv6_address_mode"], "dhcpv6-stateful");
  const Json only_address = subnet("2001:db8:2::/64", {{"ipv6_address_mode", "slaac"}});
  EXPECT_EQ(only_address["ipv6_ra_mode"], nullptr);
  EXPECT_EQ(only_address["ipv6_address_mode"], "slaac");
  EXPECT_EQ(subnet("2001:db8:3::/64")["ipv6_address_mode"], nullptr);
}

TEST_F(Ipv6SubnetTest, RefusesWhatNeutronRefuses) {
  EXPECT_EQ(refusal([&] { subnet("2001:db8:1::/64", modes("dhcp")); }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              subnet("2001:db8:1::/64",
                     {{"ipv6_ra_mode", "slaac"}, {"ipv6_address_mode", "dhcpv6-stateful"}});
            }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] {
              subnet("2001:db8:1::/64", {{"ipv6_ra_mode", "slaac"}, {"enable_dhcp", false}});
            }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { subnet("10.0.0.0/24", modes("slaac"), 4); }),
            Refusal(400, "InvalidInput"));
  // EUI-64 fills 64 bits: automatic modes need a /64; a stateful /80 is fine.
  EXPECT_EQ(refusal([&] { subnet("2001:db8:1::/80", modes("slaac")); }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { subnet("2001:db8:1::/80", modes("dhcpv6-stateful")); }), Refusal(0, ""));
  const Json s = subnet("2001:db8:2::/64", modes("slaac"));
  EXPECT_EQ(refusal([&] {
              update_subnet(alice_, s["id"], {{"enable_dhcp", false}});
            }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnets"), 2);
}

TEST_F(Ipv6SubnetTest, AutomaticSubnetsGiveEveryPortItsEui64Address) {
  const Json v4 = subnet("10.0.0.0/24", Json::object(), 4);
  const Json slaac = subnet("2001:db8:1::/64", modes("slaac"));
  const Json stateless = subnet("2001:db8:2::/64", modes("dhcpv6-stateless"));
  const Json p = port({{"mac_address", "fa:16:3e:12:34:56"}});
  std::map<std::string, std::string> by_subnet;
  for (const auto& ip : p["fixed_ips"]) {
    by_subnet[ip["subnet_id"]] = ip["ip_address"];
  }
  ASSERT_EQ(by_subnet.size(), 3u);
  EXPECT_EQ(by_subnet[slaac["id"]], "2001:db8:1:0:f816:3eff:fe12:3456");
  EXPECT_EQ(by_subnet[stateless["id"]], "2001:db8:2:0:f816:3eff:fe12:3456");
  // Asking for the IPv4 subnet alone still brings the automatic addresses.
  const Json q = port({{"mac_address", "fa:16:3e:00:00:01"},
                       {"fixed_ips", Json::array({{{"subnet_id", v4["id"]}}})}});
  EXPECT_EQ(q["fixed_ips"].size(), 3u);
  // An address cannot be chosen on an automatic subnet.
  EXPECT_EQ(
      refusal([&] {
        port({{"fixed_ips",
               Json::array({{{"subnet_id", slaac["id"]}, {"ip_address", "2001:db8:1::5"}}})}});
      }),
      Refusal(400, "AllocationOnAutoAddressSubnet"));
  // Router interfaces take no EUI-64 address.
  const Json router_port = port({{"device_owner", "network:router_interface"}});
  EXPECT_EQ(router_port["fixed_ips"].size(), 1u);
}

TEST_F(Ipv6SubnetTest, UpdatesKeepAutomaticAddresses) {
  const Json v4 = subnet("10.0.0.0/24", Json::object(), 4);
  subnet("2001:db8:1::/64", modes("slaac"));
  const Json p = port({{"mac_address", "fa:16:3e:12:34:56"}});
  // Listing only the IPv4 address, or re-stating every address, keeps the EUI-64 one.
  const Json only_v4 =
      update_port(alice_, p["id"], {{"fixed_ips", Json::array({{{"subnet_id", v4["id"]}}})}});
  EXPECT_EQ(only_v4["fixed_ips"].size(), 2u);
  const Json restated = update_port(alice_, p["id"], {{"fixed_ips", only_v4["fixed_ips"]}});
  EXPECT_EQ(restated["fixed_ips"], only_v4["fixed_ips"]);
}

TEST_F(Ipv6SubnetTest, MacChangeMovesTheEui64Address) {
  const Json v4 = subnet("10.0.0.0/24", Json::object(), 4);
  const Json slaac = subnet("2001:db8:1::/64", modes("slaac"));
  const Json p = port({{"mac_address", "fa:16:3e:12:34:56"}});
  const Json moved = update_port(admin_, p["id"], {{"mac_address", "fa:16:3e:65:43:21"}});
  std::map<std::string, std::string> by_subnet;
  for (const auto& ip : moved["fixed_ips"]) {
    by_subnet[ip["subnet_id"]] = ip["ip_address"];
  }
  EXPECT_EQ(by_subnet[slaac["id"]], "2001:db8:1:0:f816:3eff:fe65:4321");
  EXPECT_EQ(by_subnet[v4["id"]], p["fixed_ips"][0]["subnet_id"] == v4["id"]
                                     ? p["fixed_ips"][0]["ip_address"]
                                     : p["fixed_ips"][1]["ip_address"]);
}

TEST_F(Ipv6SubnetTest, NewAutomaticSubnetAddressesExistingPorts) {
  subnet("10.0.0.0/24", Json::object(), 4);
  const Json p = port({{"mac_address", "fa:16:3e:12:34:56"}});
  const Json slaac = subnet("2001:db8:1::/64", modes("slaac"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocations WHERE ip_address = "
                  "'2001:db8:1:0:f816:3eff:fe12:3456' AND port_id = '" +
                  p["id"].get<std::string>() + "'"),
            1);
  EXPECT_EQ(
      count("SELECT revision_number FROM ports WHERE id = '" + p["id"].get<std::string>() + "'"),
      p["revision_number"].get<int64_t>() + 1);
}

TEST_F(Ipv6SubnetTest, AutomaticSubnetIsDeletedUnderItsPorts) {
  const Json v4 = subnet("10.0.0.0/24", Json::object(), 4);
  const Json slaac = subnet("2001:db8:1::/64", modes("slaac"));
  const Json stateful = subnet("2001:db8:2::/64", modes("dhcpv6-stateful"));
  const Json p = port();
  EXPECT_EQ(p["fixed_ips"].size(), 3u);
  EXPECT_EQ(refusal([&] { remove_subnet(slaac["id"]); }), Refusal(0, ""));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ipallocations WHERE port_id = '" +
                  p["id"].get<std::string>() + "'"),
            2);
  // A chosen (stateful) address keeps its subnet in use, as in Neutron.
  EXPECT_EQ(refusal([&] { remove_subnet(stateful["id"]); }), Refusal(409, "SubnetInUse"));
}

TEST(Ipv6ModesTest, AutomaticModes) {
  EXPECT_TRUE((Ipv6Modes{"slaac", "slaac"}.auto_address()));
  EXPECT_TRUE((Ipv6Modes{std::nullopt, "dhcpv6-stateless"}.auto_address()));
  EXPECT_TRUE((Ipv6Modes{"slaac", std::nullopt}.auto_address()));
  EXPECT_FALSE((Ipv6Modes{"dhcpv6-stateful", "dhcpv6-stateful"}.auto_address()));
  EXPECT_FALSE((Ipv6Modes{"slaac", "dhcpv6-stateful"}.auto_address()));
  EXPECT_FALSE((Ipv6Modes{}.auto_address()));
}

}  // namespace
}  // namespace neutrino::neutron
