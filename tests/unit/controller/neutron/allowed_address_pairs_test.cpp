#include "controller/neutron/allowed_address_pairs.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class AllowedAddressPairsTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    network_id_ = create_network(alice_)["id"];
    create_subnet(alice_,
                  {{"network_id", network_id_}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}});
  }
  Json port(Json extra = Json::object()) {
    Json body = {{"network_id", network_id_}};
    body.update(extra);
    return create_port(alice_, body);
  }
  static Json pairs(int n) {
    Json out = Json::array();
    for (int i = 0; i < n; ++i) {
      out.push_back({{"ip_address", "10.0.1." + std::to_string(i + 1)}});
    }
    return out;
  }
  std::string network_id_;
};

TEST_F(AllowedAddressPairsTest, PairWithoutMacTakesThePortsAndKeepsOrder) {
  const Json p = port({{"allowed_address_pairs",
                        {{{"ip_address", "10.0.0.200"}},
                         {{"ip_address", "10.0.2.0/24"}, {"mac_address", "FA:16:3E:AA:BB:CC"}}}}});
  ASSERT_EQ(p["allowed_address_pairs"].size(), 2u);
  EXPECT_EQ(p["allowed_address_pairs"][0],
            Json({{"ip_address", "10.0.0.200"}, {"mac_address", p["mac_address"]}}));
  EXPECT_EQ(p["allowed_address_pairs"][1],
            Json({{"ip_address", "10.0.2.0/24"}, {"mac_address", "fa:16:3e:aa:bb:cc"}}));
  EXPECT_EQ(port()["allowed_address_pairs"], Json::array());
}

TEST_F(AllowedAddressPairsTest, UpdateReplacesAndNullClears) {
  const std::string id = port({{"allowed_address_pairs", pairs(2)}})["id"];
  const Json updated = update_port(alice_, id, {{"allowed_address_pairs", pairs(1)}});
  EXPECT_EQ(updated["allowed_address_pairs"].size(), 1u);
  EXPECT_EQ(update_port(alice_, id, {{"name", "x"}})["allowed_address_pairs"].size(), 1u);
  EXPECT_EQ(update_port(alice_, id, {{"allowed_address_pairs", nullptr}})["allowed_address_pairs"],
            Json::array());
  EXPECT_EQ(count("SELECT COUNT(*) FROM allowedaddresspairs"), 0);
}

TEST_F(AllowedAddressPairsTest, NeutronsLimitsAndValidation) {
  EXPECT_EQ(port({{"allowed_address_pairs", pairs(10)}})["allowed_address_pairs"].size(), 10u);
  EXPECT_EQ(refusal([&] {
              port({{"allowed_address_pairs", pairs(11)}});
            }),
            Refusal(400, "AllowedAddressPairExhausted"));
  const Json twice = {{{"ip_address", "10.0.0.9"}}, {{"ip_address", "10.0.0.9"}}};
  EXPECT_EQ(refusal([&] {
              port({{"allowed_address_pairs", twice}});
            }),
            Refusal(400, "DuplicateAddressPairInRequest"));
  EXPECT_EQ(refusal([&] {
              port({{"allowed_address_pairs", {{{"mac_address", "fa:16:3e:00:00:01"}}}}});
            }),
            Refusal(400, "AllowedAddressPairsMissingIP"));
  for (const Json& bad :
       {Json("10.0.0.1"), Json({"10.0.0.1"}), Json({{{"ip_address", "12.12.12.a"}}}),
        Json({{{"ip_address", "10.0.0.0/33"}}}),
        Json({{{"ip_address", "10.0.0.1"}, {"mac_address", "nope"}}}),
        Json({{{"ip_address", "10.0.0.1"}, {"color", "red"}}})}) {
    EXPECT_EQ(refusal([&] {
                port({{"allowed_address_pairs", bad}});
              }),
              Refusal(400, "HTTPBadRequest"))
        << bad;
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 1);
}

TEST_F(AllowedAddressPairsTest, PairsNeedPortSecurity) {
  EXPECT_EQ(refusal([&] {
              port({{"port_security_enabled", false}, {"allowed_address_pairs", pairs(1)}});
            }),
            Refusal(409, "AddressPairAndPortSecurityRequired"));
  const std::string open = port({{"port_security_enabled", false}})["id"];
  EXPECT_EQ(refusal([&] {
              update_port(alice_, open, {{"allowed_address_pairs", pairs(1)}});
            }),
            Refusal(409, "AddressPairAndPortSecurityRequired"));
  const std::string id = port({{"allowed_address_pairs", pairs(1)}})["id"];
  EXPECT_EQ(
      refusal([&] {
        update_port(alice_, id, {{"port_security_enabled", false}, {"security_groups", nullptr}});
      }),
      Refusal(409, "AddressPairAndPortSecurityRequired"));
  // Both at once is fine: the pairs go with port security.
  const Json off = update_port(alice_, id,
                               {{"port_security_enabled", false},
                                {"security_groups", nullptr},
                                {"allowed_address_pairs", Json::array()}});
  EXPECT_FALSE(off["port_security_enabled"]);
  EXPECT_EQ(off["allowed_address_pairs"], Json::array());
}

TEST_F(AllowedAddressPairsTest, OnlyTheNetworkOwnerOrAdminSetsPairsOnASharedNetwork) {
  const std::string shared = create_network(admin_, {{"shared", true}})["id"];
  create_subnet(admin_, {{"network_id", shared}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}});
  EXPECT_EQ(refusal([&] {
              create_port(bob_, {{"network_id", shared}, {"allowed_address_pairs", pairs(1)}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  const std::string id = create_port(bob_, {{"network_id", shared}})["id"];
  EXPECT_EQ(refusal([&] {
              update_port(bob_, id, {{"allowed_address_pairs", pairs(1)}});
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(update_port(admin_, id, {{"allowed_address_pairs", pairs(1)}})["allowed_address_pairs"]
                .size(),
            1u);
}

TEST_F(AllowedAddressPairsTest, DeletedWithTheirPort) {
  const std::string id = port({{"allowed_address_pairs", pairs(3)}})["id"];
  db().write([&](store::SqlSession& s) { ports_.remove(s, alice_, id); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM allowedaddresspairs"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
