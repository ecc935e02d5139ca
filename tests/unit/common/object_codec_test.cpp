// The typed model's codecs: each object round-trips exactly, nullable members are null, and an
// object that does not fit its key's type is refused.
#include "common/model/object_codec.hpp"

#include <gtest/gtest.h>

#include "common/model/address_group.hpp"
#include "common/model/floating_ip.hpp"
#include "common/model/port.hpp"
#include "common/model/router.hpp"
#include "common/model/security_group.hpp"

namespace neutrino::model {
namespace {

TEST(ObjectCodecTest, KeysParseIntoKindAndId) {
  const auto key = parse_object_key("security_group:abc:def");
  EXPECT_EQ(key.kind, ObjectKind::kSecurityGroup);
  EXPECT_EQ(key.id, "abc:def");
  EXPECT_EQ(object_key(ObjectKind::kRemotePort, "p1"), "remote:p1");
  EXPECT_EQ(parse_object_key("router:r1").kind, ObjectKind::kRouter);
  EXPECT_EQ(object_key(ObjectKind::kFloatingIp, "f1"), "floatingip:f1");
  EXPECT_THROW(parse_object_key("routers:r1"), std::invalid_argument);
  EXPECT_THROW(parse_object_key("port:"), std::invalid_argument);
  EXPECT_THROW(parse_object_key("port"), std::invalid_argument);
}

TEST(ObjectCodecTest, PortRoundTripsExactly) {
  Port port{"p1", "n1",   "fa:16:3e:00:00:01",  true,        false, "compute:nova",
            "vm", "proj", {{"s1", "10.0.0.5"}}, {"g1", "g2"}};
  port.allowed_address_pairs = {{"10.0.0.0/24", "fa:16:3e:00:00:01"}};
  port.extra_dhcp_opts = {{"tftp-server", "10.0.0.9", 4}};
  const Json encoded = port;
  EXPECT_EQ(encoded.size(), 12u);
  EXPECT_EQ(encoded["fixed_ips"][0]["ip_address"], "10.0.0.5");
  EXPECT_EQ(encoded["allowed_address_pairs"][0]["ip_address"], "10.0.0.0/24");
  EXPECT_EQ(encoded["extra_dhcp_opts"][0]["ip_version"], 4);
  EXPECT_EQ(canonical_object("port:p1", encoded), encoded);
  EXPECT_EQ(encoded.get<Port>(), port);
}

TEST(ObjectCodecTest, NullableMembersAreNull) {
  SecurityGroupRule rule{"r1", "ingress", "IPv4", 6, 22, 22, std::nullopt, "g2"};
  const Json encoded = rule;
  EXPECT_TRUE(encoded["remote_ip_prefix"].is_null());
  EXPECT_TRUE(encoded["remote_address_group_id"].is_null());
  EXPECT_EQ(encoded["protocol"], 6);
  EXPECT_EQ(encoded.get<SecurityGroupRule>(), rule);
}

TEST(ObjectCodecTest, RefusesWhatDoesNotFitItsKey) {
  const Json network = {{"id", "n1"},
                        {"mtu", 1450},
                        {"admin_state_up", true},
                        {"network_type", "vxlan"},
                        {"physical_network", nullptr},
                        {"segmentation_id", 1001}};
  EXPECT_EQ(canonical_object("network:n1", network), network);
  EXPECT_THROW(canonical_object("network:other", network), std::invalid_argument);
  Json missing = network;
  missing.erase("mtu");
  EXPECT_THROW(canonical_object("network:n1", missing), std::invalid_argument);
  Json wrong = network;
  wrong["mtu"] = "big";
  EXPECT_THROW(canonical_object("network:n1", wrong), std::invalid_argument);
}

TEST(ObjectCodecTest, AddressGroupAndARuleNamingItRoundTrip) {
  const AddressGroup group{"ag1", {"10.0.0.0/24", "2001:db8::/64"}};
  const Json encoded = group;
  EXPECT_EQ(encoded, Json({{"id", "ag1"}, {"addresses", {"10.0.0.0/24", "2001:db8::/64"}}}));
  EXPECT_EQ(parse_object_key("address_group:ag1").kind, ObjectKind::kAddressGroup);
  EXPECT_EQ(object_key(ObjectKind::kAddressGroup, "ag1"), "address_group:ag1");
  EXPECT_EQ(canonical_object("address_group:ag1", encoded), encoded);
  EXPECT_THROW(canonical_object("address_group:ag2", encoded), std::invalid_argument);
  EXPECT_THROW(canonical_object("address_group:ag1", Json({{"id", "ag1"}})), std::invalid_argument);
  SecurityGroupRule rule{"r1",         "egress",     "IPv6",       std::nullopt, std::nullopt,
                         std::nullopt, std::nullopt, std::nullopt, "ag1"};
  const Json rule_encoded = rule;
  EXPECT_EQ(rule_encoded["remote_address_group_id"], "ag1");
  EXPECT_EQ(rule_encoded.get<SecurityGroupRule>(), rule);
}

TEST(ObjectCodecTest, RouterAndFloatingIpRoundTrip) {
  Router router{"r1",
                true,
                {{"s1", "n1", "10.0.0.0/24", "p1", "10.0.0.1", "fa:16:3e:00:00:02"}},
                RouterGateway{"ext", "gp", "203.0.113.2", "203.0.113.0/24", "fa:16:3e:00:00:03",
                              true, "host-a", "192.0.2.1"},
                {{"192.168.0.0/24", "10.0.0.9"}}};
  const Json encoded = router;
  EXPECT_EQ(canonical_object("router:r1", encoded), encoded);
  EXPECT_EQ(encoded.get<Router>(), router);
  // From a controller before wire schema 6: no gateway host.
  Json older = encoded;
  older["gateway"].erase("host");
  older["gateway"].erase("host_tunnel_ip");
  EXPECT_EQ(older.get<Router>().gateway->host, "");
  EXPECT_EQ(older.get<Router>().gateway->host_tunnel_ip, "");
  router.gateway.reset();
  EXPECT_TRUE(Json(router)["gateway"].is_null());
  const FloatingIp fip{"f1", "203.0.113.9", "ext", "10.0.0.5", "p2", "r1", "fa:16:3e:00:00:04"};
  EXPECT_EQ(canonical_object("floatingip:f1", Json(fip)), Json(fip));
  Json missing = fip;
  missing.erase("router_id");
  EXPECT_THROW(canonical_object("floatingip:f1", missing), std::invalid_argument);
}

}  // namespace
}  // namespace neutrino::model
