#include "controller/neutron/address_group_service.hpp"

#include <gtest/gtest.h>

#include "controller/neutron/address_group_addresses.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class AddressGroupServiceTest : public testing::ServiceFixture {
 protected:
  Json create_ag(const AuthContext& ctx, Json body) {
    const Json a = address_group_schema().validate(body, Operation::kCreate);
    return db().write([&](store::SqlSession& s) { return groups_ag_.create(s, ctx, a); });
  }
  Json update_ag(const AuthContext& ctx, const std::string& id, Json body) {
    const Json a = address_group_schema().validate(body, Operation::kUpdate);
    return db().write([&](store::SqlSession& s) { return groups_ag_.update(s, ctx, id, a); });
  }
  Json add(const AuthContext& ctx, const std::string& id, Json addresses) {
    return db().write([&](store::SqlSession& s) {
      return groups_ag_.add_addresses(s, ctx, id, {{"addresses", addresses}});
    });
  }
  Json remove(const AuthContext& ctx, const std::string& id, Json addresses) {
    return db().write([&](store::SqlSession& s) {
      return groups_ag_.remove_addresses(s, ctx, id, {{"addresses", addresses}});
    });
  }
  Json show_ag(const AuthContext& ctx, const std::string& id) {
    return db().read([&](store::SqlSession& s) { return groups_ag_.show(s, ctx, id); });
  }

  AddressGroupService groups_ag_;
};

TEST_F(AddressGroupServiceTest, AddressesAreNormalisedAndTheGroupHasStandardAttributes) {
  const Json ag =
      create_ag(alice_, {{"name", "ag"},
                         {"description", "d"},
                         {"addresses", {"10.10.10.3/32", "192.168.0.10/24", "2001:db8::f00/64"}}});
  EXPECT_EQ(ag["addresses"], Json({"10.10.10.3/32", "192.168.0.0/24", "2001:db8::/64"}));
  EXPECT_EQ(ag["name"], "ag");
  EXPECT_EQ(ag["description"], "d");
  EXPECT_EQ(ag["project_id"], "alice-project");
  EXPECT_EQ(ag["revision_number"], 1);
  const Json updated = update_ag(alice_, ag["id"], {{"description", "new"}});
  EXPECT_EQ(updated["description"], "new");
  EXPECT_EQ(updated["addresses"], ag["addresses"]);
  EXPECT_EQ(updated["revision_number"], 2);
  EXPECT_EQ(create_ag(alice_, {{"name", "empty"}})["addresses"], Json::array());
}

TEST_F(AddressGroupServiceTest, CreateRefusesWhatIsNoSubnet) {
  for (const Json& bad : {Json{"10.20.30.40"}, Json{"this is bad IP address"}, Json{7},
                          Json{"10.0.0.0/8", "10.0.0.0/8"}}) {
    EXPECT_EQ(refusal([&] {
                create_ag(alice_, {{"addresses", bad}});
              }),
              Refusal(400, "HTTPBadRequest"))
        << bad.dump();
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM address_groups"), 0);
  EXPECT_EQ(create_ag(alice_, {{"addresses", {"10.0.0.0/8", "10.1.0.0/8"}}})["addresses"],
            Json({"10.0.0.0/8"}));
}

TEST_F(AddressGroupServiceTest, AddAndRemoveAddresses) {
  const std::string id = create_ag(alice_, {{"addresses", {"10.0.0.0/24"}}})["id"];
  EXPECT_EQ(add(alice_, id, {"10.20.30.40", "2001:db8::1"})["addresses"],
            Json({"10.0.0.0/24", "10.20.30.40/32", "2001:db8::1/128"}));
  EXPECT_EQ(refusal([&] {
              add(alice_, id, {"10.0.0.7/24", "10.9.9.9/32"});
            }),
            Refusal(400, "AddressesAlreadyExist"));
  EXPECT_EQ(refusal([&] { add(alice_, id, {"this is bad IP address"}); }),
            Refusal(400, "InvalidInput"));
  EXPECT_EQ(refusal([&] { remove(alice_, id, {"10.200.200.200"}); }),
            Refusal(404, "AddressesNotFound"));
  EXPECT_EQ(show_ag(alice_, id)["addresses"].size(), 3u);  // refusals change nothing
  EXPECT_EQ(remove(alice_, id, {"10.0.0.0/24", "10.20.30.40"})["addresses"],
            Json({"2001:db8::1/128"}));
}

TEST_F(AddressGroupServiceTest, AnotherProjectsGroupDoesNotExistForAMember) {
  const std::string id = create_ag(alice_, {{"addresses", {"10.0.0.0/24"}}})["id"];
  EXPECT_EQ(refusal([&] { show_ag(bob_, id); }), Refusal(404, "AddressGroupNotFound"));
  EXPECT_EQ(refusal([&] { add(bob_, id, {"10.1.0.0/24"}); }), Refusal(404, "AddressGroupNotFound"));
  EXPECT_EQ(refusal([&] {
              update_ag(bob_, id, {{"name", "x"}});
            }),
            Refusal(404, "AddressGroupNotFound"));
  EXPECT_EQ(show_ag(admin_, id)["id"], id);
  EXPECT_TRUE(db().read([&](store::SqlSession& s) { return groups_ag_.list(s, bob_); }).empty());
  db().write([&](store::SqlSession& s) { groups_ag_.remove(s, alice_, id); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM address_associations"), 0);
}

TEST_F(AddressGroupServiceTest, AGroupHoldsAtMostItsLimitOfAddresses) {
  Json many = Json::array();
  for (std::size_t i = 0; i < kMaxAddressGroupAddresses; ++i) {
    many.push_back("10." + std::to_string(i / 256) + "." + std::to_string(i % 256) + ".0/32");
  }
  const std::string id = create_ag(alice_, {{"addresses", many}})["id"];
  EXPECT_EQ(refusal([&] { add(alice_, id, {"192.0.2.1"}); }), Refusal(400, "HTTPBadRequest"));
}

}  // namespace
}  // namespace neutrino::neutron
