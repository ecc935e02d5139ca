// A list of ports reads its ports' fixed IPs, groups, address pairs, DHCP options and tags in
// one query each, whatever its length, and gives every port its own.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "controller/neutron/list_query_engine.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schemas.hpp"
#include "counting_session.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

// More than PortService names by id (100): the longest lists select their ports by subquery.
constexpr int kPorts = 103;

class PortListQueriesTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    const std::string network = create_network(alice_)["id"];
    subnet_ = create_subnet(
        alice_, {{"network_id", network}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}})["id"];
    for (int i = 0; i < kPorts; ++i) {
      const std::string n = std::to_string(i);
      create_port(alice_,
                  {{"network_id", network},
                   {"name", "port-" + n},
                   {"tags", Json::array({"tag-" + n})},
                   {"allowed_address_pairs", Json::array({{{"ip_address", "10.9.0." + n}}})},
                   {"extra_dhcp_opts",
                    Json::array({{{"opt_name", "tftp-server"}, {"opt_value", "10.8.0." + n}}})}});
    }
    // Another project's port, which alice's lists leave out.
    create_port(bob_, {{"network_id", create_network(bob_)["id"]}, {"tags", Json::array({"bob"})}});
  }

  struct Listed {
    std::vector<Json> ports;
    int queries;
  };
  Listed list(const AuthContext& ctx, const std::string& query_text) {
    const ListQuery q =
        parse_list_query(http::parse_query(query_text), port_schema().attribute_names());
    return db().read([&](store::SqlSession& s) {
      testing::CountingSession counted(s);
      auto ports = ports_.list(counted, ctx, q);
      return Listed{std::move(ports), counted.queries()};
    });
  }
  Json show(const std::string& id) {
    return db().read([&](store::SqlSession& s) { return ports_.show(s, alice_, id); });
  }

  // Each listed port carries what it was created with and shows as it lists, no other port's.
  void expect_each_port_its_own(const std::string& query_text, size_t count) {
    const auto ports = list(alice_, query_text).ports;
    ASSERT_EQ(ports.size(), count) << query_text;
    for (const auto& p : ports) {
      const std::string n = p["name"].get<std::string>().substr(5);
      EXPECT_EQ(p["tags"], Json::array({"tag-" + n}));
      EXPECT_EQ(p["allowed_address_pairs"][0]["ip_address"], "10.9.0." + n);
      EXPECT_EQ(p["allowed_address_pairs"].size(), 1u);
      EXPECT_EQ(
          p["extra_dhcp_opts"],
          Json::array(
              {{{"opt_name", "tftp-server"}, {"opt_value", "10.8.0." + n}, {"ip_version", 4}}}));
      ASSERT_EQ(p["fixed_ips"].size(), 1u);
      EXPECT_EQ(p["fixed_ips"][0]["subnet_id"], subnet_);
      EXPECT_EQ(p["security_groups"].size(), 1u);
      EXPECT_EQ(p, show(p["id"]));
    }
  }

  std::string subnet_;
};

TEST_F(PortListQueriesTest, APageCostsWhatOnePortCosts) {
  const int one = list(alice_, "limit=1").queries;
  EXPECT_EQ(list(alice_, "limit=50").queries, one);
  EXPECT_EQ(list(alice_, "").queries, one);
  EXPECT_EQ(list(admin_, "").queries, one);
  EXPECT_EQ(list(alice_, "limit=101").queries, one);
  // The ports, then their five lists.
  EXPECT_EQ(one, 6);
}

TEST_F(PortListQueriesTest, APageGivesEachPortItsOwnLists) {
  expect_each_port_its_own("limit=50", 50);
}

TEST_F(PortListQueriesTest, LongListsGiveEachPortItsOwnLists) {
  expect_each_port_its_own("", kPorts);
  expect_each_port_its_own("limit=101", 101);
}

TEST_F(PortListQueriesTest, AnAdminsLongListHasEveryProjectsPorts) {
  const auto all = list(admin_, "").ports;
  ASSERT_EQ(all.size(), static_cast<size_t>(kPorts + 1));
  std::map<std::string, Json> tags;
  for (const auto& p : all) {
    tags[p["name"].get<std::string>()] = p["tags"];
  }
  EXPECT_EQ(tags[""], Json::array({"bob"}));
  EXPECT_EQ(tags["port-7"], Json::array({"tag-7"}));
}

}  // namespace
}  // namespace neutrino::neutron
