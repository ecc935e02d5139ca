#include "controller/neutron/port_security_groups.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class PortSecurityGroupsTest : public testing::ServiceFixture {
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
  std::string network_id_;
};

TEST_F(PortSecurityGroupsTest, PortsGetTheDefaultGroupUnlessTold) {
  const std::string def = default_group(alice_);
  EXPECT_EQ(port()["security_groups"], Json::array({def}));
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  EXPECT_EQ(port({{"security_groups", {web}}})["security_groups"], Json::array({web}));
  EXPECT_EQ(port({{"security_groups", Json::array()}})["security_groups"], Json::array());
  EXPECT_EQ(port({{"device_owner", "network:dhcp"}})["security_groups"], Json::array());
  EXPECT_EQ(port({{"port_security_enabled", false}})["security_groups"], Json::array());
  const std::string insecure = create_network(alice_, {{"port_security_enabled", false}})["id"];
  EXPECT_EQ(create_port(alice_, {{"network_id", insecure}})["security_groups"], Json::array());
}

TEST_F(PortSecurityGroupsTest, CreateRefusals) {
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  const std::string bobs = create_group(bob_, {{"name", "b"}})["id"];
  EXPECT_EQ(refusal([&] {
              port({{"port_security_enabled", false}, {"security_groups", {web}}});
            }),
            Refusal(400, "PortSecurityAndIPRequiredForSecurityGroups"));
  EXPECT_EQ(refusal([&] {
              port({{"security_groups", {bobs}}});
            }),
            Refusal(404, "SecurityGroupNotFound"));
  EXPECT_EQ(refusal([&] {
              port({{"security_groups", {"nope"}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              port({{"security_groups", {web, web}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 0);
}

TEST_F(PortSecurityGroupsTest, UpdateFollowsPortSecurity) {
  const Json p = port();
  const std::string id = p["id"];
  const std::string web = create_group(alice_, {{"name", "web"}})["id"];
  EXPECT_EQ(update_port(alice_, id, {{"security_groups", {web}}})["security_groups"],
            Json::array({web}));
  EXPECT_EQ(refusal([&] {
              update_port(alice_, id, {{"port_security_enabled", false}});
            }),
            Refusal(409, "PortSecurityPortHasSecurityGroup"));
  EXPECT_EQ(
      refusal([&] {
        update_port(alice_, id, {{"port_security_enabled", false}, {"security_groups", {web}}});
      }),
      Refusal(400, "PortSecurityAndIPRequiredForSecurityGroups"));
  const Json off =
      update_port(alice_, id, {{"port_security_enabled", false}, {"security_groups", nullptr}});
  EXPECT_EQ(off["port_security_enabled"], false);
  EXPECT_EQ(off["security_groups"], Json::array());
  // A group in use cannot go; once the port leaves it, it can.
  update_port(alice_, id, {{"port_security_enabled", true}, {"security_groups", {web}}});
  EXPECT_EQ(refusal([&] { delete_group(alice_, web); }), Refusal(409, "SecurityGroupInUse"));
  update_port(alice_, id, {{"security_groups", Json::array()}});
  delete_group(alice_, web);
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygroupportbindings"), 0);
}

TEST_F(PortSecurityGroupsTest, DeletingThePortDropsItsBindings) {
  const Json p = port();
  db().write([&](store::SqlSession& s) { ports_.remove(s, alice_, p["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM securitygroupportbindings"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
