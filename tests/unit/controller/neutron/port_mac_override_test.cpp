#include "controller/neutron/port_mac_override.hpp"

#include <gtest/gtest.h>

#include "controller/neutron/port_binding_service.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class PortMacOverrideTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    for (const char* host : {"host-a", "host-b"}) {
      db().write([&](store::SqlSession& s) { agents_.report(s, {host}, true); });
    }
    network_id_ = create_network(admin_)["id"];
  }
  Json port(Json extra) {
    Json body = {{"network_id", network_id_}, {"device_owner", "compute:nova"}};
    body.update(extra);
    return create_port(admin_, body);
  }
  std::string network_id_;
};

TEST_F(PortMacOverrideTest, DirectPhysicalPortsTakeTheDevicesMac) {
  const Json p = port({{"binding:vnic_type", "direct-physical"},
                       {"binding:host_id", "host-a"},
                       {"binding:profile", {{"device_mac_address", "52:54:00:aa:bb:01"}}}});
  EXPECT_EQ(p["mac_address"], "52:54:00:aa:bb:01");
  const Json moved = update_port(
      admin_, p["id"], {{"binding:profile", {{"device_mac_address", "52:54:00:AA:BB:02"}}}});
  EXPECT_EQ(moved["mac_address"], "52:54:00:aa:bb:02");
  // Unbound (the device's MAC removed from the profile): a fresh MAC, not the device's.
  const Json unbound =
      update_port(admin_, p["id"], {{"binding:host_id", ""}, {"binding:profile", Json::object()}});
  EXPECT_NE(unbound["mac_address"], "52:54:00:aa:bb:02");
  EXPECT_EQ(unbound["mac_address"].get<std::string>().substr(0, 9), "fa:16:3e:");
}

TEST_F(PortMacOverrideTest, OtherPortsKeepTheirMac) {
  const Json p = port({{"binding:host_id", "host-a"},
                       {"binding:profile", {{"device_mac_address", "52:54:00:aa:bb:03"}}}});
  EXPECT_EQ(p["mac_address"].get<std::string>().substr(0, 9), "fa:16:3e:");
  EXPECT_EQ(update_port(admin_, p["id"], {{"binding:host_id", "host-b"}})["mac_address"],
            p["mac_address"]);
}

TEST_F(PortMacOverrideTest, ActivatingABindingAppliesItsProfile) {
  const Json p = port({{"binding:vnic_type", "direct-physical"},
                       {"binding:host_id", "host-a"},
                       {"binding:profile", {{"device_mac_address", "52:54:00:aa:bb:04"}}}});
  PortBindingService bindings(agents_, ports_);
  db().write([&](store::SqlSession& s) {
    bindings.create(s, admin_, p["id"],
                    {{"host", "host-b"},
                     {"vnic_type", "direct-physical"},
                     {"profile", {{"device_mac_address", "52:54:00:aa:bb:05"}}}});
    bindings.activate(s, admin_, p["id"], "host-b");
  });
  const Json shown =
      db().read([&](store::SqlSession& s) { return ports_.show(s, admin_, p["id"]); });
  EXPECT_EQ(shown["mac_address"], "52:54:00:aa:bb:05");
}

TEST_F(PortMacOverrideTest, BadOrTakenDeviceMacIsRefused) {
  EXPECT_EQ(refusal([&] {
              port({{"binding:vnic_type", "direct-physical"},
                    {"binding:host_id", "host-a"},
                    {"binding:profile", {{"device_mac_address", "not-a-mac"}}}});
            }),
            Refusal(400, "HTTPBadRequest"));
  const Json taken = port({{"mac_address", "52:54:00:aa:bb:06"}});
  EXPECT_EQ(refusal([&] {
              port({{"binding:vnic_type", "direct-physical"},
                    {"binding:host_id", "host-a"},
                    {"binding:profile", {{"device_mac_address", "52:54:00:aa:bb:06"}}}});
            }),
            Refusal(409, "MacAddressInUse"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ports"), 1);
}

}  // namespace
}  // namespace neutrino::neutron
