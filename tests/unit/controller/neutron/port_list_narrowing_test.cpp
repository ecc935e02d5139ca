// Listing ports narrows in SQL what the list engine would filter anyway: the answer to every
// query is the same as with everything loaded, and a narrow query loads only its ports.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "controller/neutron/list_query_engine.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schemas.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

class PortListNarrowingTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    for (const char* cidr : {"10.0.0.0/28", "10.0.1.0/28"}) {
      const std::string network = create_network(alice_)["id"];
      networks_ids_.push_back(network);
      create_subnet(alice_, {{"network_id", network}, {"ip_version", 4}, {"cidr", cidr}});
      for (int i = 0; i < 4; ++i) {
        const Json port = create_port(alice_, {{"network_id", network},
                                               {"name", i % 2 ? "odd" : "even"},
                                               {"device_id", "vm-" + std::to_string(i)}});
        ports_ids_.push_back(port["id"]);
        last_ip_ = port["fixed_ips"][0]["ip_address"];
        upper_mac_ = port["mac_address"];
        std::transform(upper_mac_.begin(), upper_mac_.end(), upper_mac_.begin(),
                       [](unsigned char c) { return c == ':' ? '-' : std::toupper(c); });
      }
    }
    bob_port_ = create_port(bob_, {{"network_id", create_network(bob_)["id"]}})["id"];
  }

  ListQuery query(const std::string& text) {
    return parse_list_query(http::parse_query(text), port_schema().attribute_names());
  }
  std::vector<Json> loaded(const AuthContext& ctx, const ListQuery& q) {
    return db().read([&](store::SqlSession& s) { return ports_.list(s, ctx, q); });
  }
  // The page, or the error the list engine answers instead (a marker the caller cannot see).
  Json answer(const AuthContext& ctx, const ListQuery& q, const ListQuery& loaded_with) {
    try {
      return apply_list_query(loaded(ctx, loaded_with), q,
                              {"ports", "http://x/v2.0/ports", {}, {}});
    } catch (const api::ApiError& e) {
      return {{"status", e.status()}, {"type", e.type()}};
    }
  }

  std::vector<std::string> networks_ids_;
  std::vector<std::string> ports_ids_;
  std::string bob_port_;
  std::string last_ip_;    // of the last port of the second network; addresses are random
  std::string upper_mac_;  // its MAC as AA-BB-..., which filters match as Neutron's do
};

TEST_F(PortListNarrowingTest, EveryQueryAnswersAsWithEverythingLoaded) {
  const std::vector<std::string> queries = {
      "network_id=" + networks_ids_[0],
      "network_id=" + networks_ids_[0] + "&network_id=" + networks_ids_[1] + "&name=odd",
      "device_id=vm-1&name=odd",
      "device_id=vm-1&name=even",
      "name=",
      "tenant_id=" + alice_.project_id,
      "fixed_ips=ip_address%3D" + last_ip_,
      "fixed_ips=subnet_id%3Dnone&device_id=vm-1",
      "network_id=" + networks_ids_[1] + "&limit=2&marker=" + ports_ids_[0],
      "name=odd&sort_key=name&sort_dir=desc&limit=1&marker=" + ports_ids_[1] + "&page_reverse=True",
      "id=" + ports_ids_[2] + "&fields=id",
      "limit=3",
      "limit=3&marker=" + ports_ids_[5],
      "limit=2&page_reverse=True&marker=" + ports_ids_[5],
      "limit=2&page_reverse=True",
      "sort_key=id&sort_dir=desc&limit=2&marker=" + ports_ids_[3],
      "sort_key=id&sort_dir=desc&limit=2&page_reverse=True&marker=" + ports_ids_[3],
      "network_id=" + networks_ids_[0] + "&limit=2&marker=" + ports_ids_[6],
      "device_id=vm-2&limit=1&marker=" + bob_port_,
      "mac_address=" + upper_mac_,
      "mac_address=" + upper_mac_ + "&limit=5",
      "tags=x&limit=2",
      "limit=2&marker=no-such-port",
  };
  for (const auto* ctx : {&alice_, &bob_, &admin_}) {
    for (const auto& text : queries) {
      const auto q = query(text);
      EXPECT_EQ(answer(*ctx, q, q), answer(*ctx, q, ListQuery{})) << text;
    }
  }
}

TEST_F(PortListNarrowingTest, ANarrowQueryLoadsOnlyItsPorts) {
  EXPECT_EQ(loaded(admin_, query("device_id=vm-1")).size(), 2u);
  EXPECT_EQ(loaded(alice_, query("network_id=" + networks_ids_[0])).size(), 4u);
  EXPECT_EQ(loaded(admin_, query("fixed_ips=ip_address%3D" + last_ip_)).size(), 1u);
  // The member's own scope still applies: bob's port is not alice's to load.
  EXPECT_TRUE(loaded(alice_, query("id=" + bob_port_)).empty());
  // Pages cut in SQL: the marker's row and `limit` rows after it.
  EXPECT_EQ(loaded(bob_, query("limit=2")).size(), 1u);
  EXPECT_EQ(loaded(admin_, query("limit=2")).size(), 2u);
  const std::string first = *std::min_element(ports_ids_.begin(), ports_ids_.end());
  EXPECT_EQ(loaded(admin_, query("limit=2&marker=" + first)).size(), 3u);
  EXPECT_EQ(loaded(admin_, query("mac_address=" + upper_mac_)).size(), 1u);
  // The marker's row comes along even when the filters exclude it.
  EXPECT_EQ(
      loaded(admin_, query("device_id=vm-1&tags-any=x&limit=1&marker=" + ports_ids_[0])).size(),
      3u);
}

TEST_F(PortListNarrowingTest, TooManyValuesForOneKeyAreLeftToTheEngine) {
  std::string text;
  for (size_t i = 0; i <= SqlPrefilter::kMaxValuesPerKey; ++i) {
    text += "device_id=vm-" + std::to_string(i) + "&";
  }
  const auto q = query(text + "name=odd");
  EXPECT_EQ(loaded(admin_, q).size(), 4u);  // narrowed by name only
  EXPECT_EQ(answer(admin_, q, q), answer(admin_, q, ListQuery{}));
}

}  // namespace
}  // namespace neutrino::neutron
