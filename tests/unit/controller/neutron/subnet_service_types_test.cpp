#include "controller/neutron/subnet_service_types.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class SubnetServiceTypesTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
  }
  Json subnet(const std::string& cidr, Json service_types) {
    Json body = {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", cidr}};
    if (!service_types.is_null()) {
      body["service_types"] = service_types;
    }
    return create_subnet(alice_, body);
  }
  Json port(const std::string& owner) {
    return create_port(alice_, {{"network_id", network_id_}, {"device_owner", owner}});
  }
  static std::string first_ip(const Json& port) {
    return port["fixed_ips"][0]["ip_address"].get<std::string>();
  }
  std::string network_id_;
};

TEST_F(SubnetServiceTypesTest, ShownAsGivenAndUpdated) {
  const Json s = subnet("10.1.0.0/24", {"compute:nova", "network:router_interface"});
  EXPECT_EQ(s["service_types"], Json({"compute:nova", "network:router_interface"}));
  const Json updated = update_subnet(alice_, s["id"], {{"service_types", {"compute:"}}});
  EXPECT_EQ(updated["service_types"], Json({"compute:"}));
  EXPECT_GT(updated["revision_number"].get<int>(), s["revision_number"].get<int>());
  EXPECT_EQ(update_subnet(alice_, s["id"], {{"service_types", Json::array()}})["service_types"],
            Json::array());
  EXPECT_EQ(subnet("10.2.0.0/24", nullptr)["service_types"], Json::array());
}

TEST_F(SubnetServiceTypesTest, ValidatedAsNeutronDoes) {
  EXPECT_EQ(refusal([&] { subnet("10.1.0.0/24", {"bogus"}); }),
            Refusal(400, "InvalidSubnetServiceType"));
  EXPECT_EQ(refusal([&] { subnet("10.1.0.0/24", {1}); }),
            Refusal(400, "InvalidInputSubnetServiceType"));
  EXPECT_EQ(refusal([&] { subnet("10.1.0.0/24", "compute:nova"); }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnets"), 0);
  // neutron-lib's check accepts what starts with any character of "compute:" (tempest's
  // test:type_1 included).
  EXPECT_EQ(subnet("10.1.0.0/24", {"test:type_1", "neutron:x"})["service_types"].size(), 2u);
}

TEST_F(SubnetServiceTypesTest, PortsTakeAddressesFromTheirServiceSubnet) {
  subnet("192.168.1.0/24", {"test:type_1", "network:distributed"});
  subnet("192.168.2.0/24", {"test:type_2", "network:distributed"});
  const Json one = port("test:type_1");
  ASSERT_EQ(one["fixed_ips"].size(), 1u);
  EXPECT_EQ(first_ip(one).rfind("192.168.1.", 0), 0u) << one;
  const Json two = port("test:type_2");
  ASSERT_EQ(two["fixed_ips"].size(), 1u);
  EXPECT_EQ(first_ip(two).rfind("192.168.2.", 0), 0u) << two;
  // No subnet serves plain ports.
  EXPECT_EQ(refusal([&] { port("compute:nova"); }),
            Refusal(409, "IpAddressGenerationFailureNoMatchingSubnet"));
  // A DHCP port may use any DHCP-enabled subnet.
  EXPECT_EQ(port("network:dhcp")["fixed_ips"].size(), 1u);
}

TEST_F(SubnetServiceTypesTest, ServiceSubnetsComeFirstThenGeneralOnes) {
  subnet("10.5.0.0/24", nullptr);
  subnet("10.6.0.0/24", {"compute:nova"});
  EXPECT_EQ(first_ip(port("compute:nova")).rfind("10.6.", 0), 0u);
  EXPECT_EQ(first_ip(port("compute:other")).rfind("10.5.", 0), 0u);
  const Json p = port("");
  EXPECT_EQ(first_ip(p).rfind("10.5.", 0), 0u);
  // Naming a service subnet it may not use is Neutron's invalid-subnet error.
  const std::string typed = db().read([&](store::SqlSession& s) {
    return s.query("SELECT subnet_id FROM subnet_service_types", {})[0].text(0);
  });
  EXPECT_EQ(
      refusal([&] {
        create_port(alice_, {{"network_id", network_id_}, {"fixed_ips", {{{"subnet_id", typed}}}}});
      }),
      Refusal(400, "InvalidInput"));
}

TEST_F(SubnetServiceTypesTest, DeletedWithTheSubnet) {
  const Json s = subnet("10.7.0.0/24", {"compute:nova"});
  db().write([&](store::SqlSession& session) { subnets_.remove(session, alice_, s["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM subnet_service_types"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
