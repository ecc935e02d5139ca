#include "controller/neutron/port_binding_service.hpp"

#include <gtest/gtest.h>

#include "controller/store/change_journal.hpp"
#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class PortBindingServiceTest : public testing::ServiceFixture {
 protected:
  PortBindingServiceTest() : bindings_(agents_, ports_) {}

  void SetUp() override {
    ServiceFixture::SetUp();
    for (const char* host : {"host-a", "host-b"}) {
      db().write([&](store::SqlSession& s) {
        agents_.report(s,
                       {host,
                        "neutrino-agent",
                        {{"integration_bridge", "br-int"}, {"datapath_type", "netdev"}}},
                       true);
      });
    }
    network_id_ = create_network(alice_)["id"];
    port_ = create_port(admin_, {{"network_id", network_id_},
                                 {"project_id", alice_.project_id},
                                 {"device_owner", "compute:nova"},
                                 {"binding:host_id", "host-a"}});
  }
  std::vector<Json> list() {
    return db().read([&](store::SqlSession& s) { return bindings_.list(s, admin_, port_["id"]); });
  }
  Json create(const Json& binding, const AuthContext* ctx = nullptr) {
    return db().write([&](store::SqlSession& s) {
      return bindings_.create(s, ctx ? *ctx : admin_, port_["id"], binding);
    });
  }
  Json activate(const std::string& host) {
    return db().write(
        [&](store::SqlSession& s) { return bindings_.activate(s, admin_, port_["id"], host); });
  }
  void remove(const std::string& host) {
    db().write([&](store::SqlSession& s) { bindings_.remove(s, admin_, port_["id"], host); });
  }
  Json port() {
    return db().read([&](store::SqlSession& s) { return ports_.show(s, admin_, port_["id"]); });
  }
  int64_t journal_entries() { return count("SELECT COUNT(*) FROM change_journal"); }

  PortBindingService bindings_;
  std::string network_id_;
  Json port_;
};

TEST_F(PortBindingServiceTest, ListsTheActiveBindingThenInactiveOnes) {
  auto all = list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["host"], "host-a");
  EXPECT_EQ(all[0]["status"], "ACTIVE");
  EXPECT_EQ(all[0]["vif_type"], "ovs");
  EXPECT_EQ(all[0]["vif_details"]["datapath_type"], "netdev");
  const Json b = create({{"host", "host-b"}, {"profile", {{"migrating_to", "host-b"}}}});
  EXPECT_EQ(b["status"], "INACTIVE");
  EXPECT_EQ(b["vnic_type"], "normal");
  EXPECT_EQ(b["profile"]["migrating_to"], "host-b");
  all = list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["host"], "host-b");
  EXPECT_EQ(all[1]["status"], "INACTIVE");
  // An inactive binding changes nothing the port shows or the fan-out wires.
  EXPECT_EQ(port()["binding:host_id"], "host-a");
}

TEST_F(PortBindingServiceTest, ActivationMovesThePortThroughTheJournal) {
  create({{"host", "host-b"}});
  const int64_t revision = port()["revision_number"];
  const int64_t entries = journal_entries();
  const Json active = activate("host-b");
  EXPECT_EQ(active["status"], "ACTIVE");
  EXPECT_EQ(active["host"], "host-b");
  const Json p = port();
  EXPECT_EQ(p["binding:host_id"], "host-b");
  EXPECT_EQ(p["status"], "DOWN");
  EXPECT_GT(p["revision_number"].get<int64_t>(), revision);
  EXPECT_GT(journal_entries(), entries);
  // The source binding waits, inactive, for Nova to delete it.
  const auto all = list();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[1]["host"], "host-a");
  EXPECT_EQ(all[1]["status"], "INACTIVE");
  remove("host-a");
  EXPECT_EQ(list().size(), 1u);
  EXPECT_EQ(port()["binding:host_id"], "host-b");
}

TEST_F(PortBindingServiceTest, NeutronsErrors) {
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-a"}});
            }),
            Refusal(409, "PortBindingAlreadyExists"));
  create({{"host", "host-b"}});
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-b"}});
            }),
            Refusal(409, "PortBindingAlreadyExists"));
  EXPECT_EQ(refusal([&] { activate("host-a"); }), Refusal(409, "PortBindingAlreadyActive"));
  EXPECT_EQ(refusal([&] { activate("host-c"); }), Refusal(404, "PortBindingNotFound"));
  EXPECT_EQ(refusal([&] { remove("host-c"); }), Refusal(404, "PortBindingNotFound"));
  EXPECT_EQ(
      refusal([&] {
        db().read([&](store::SqlSession& s) { return bindings_.show(s, admin_, port_["id"], ""); });
      }),
      Refusal(404, "PortBindingNotFound"));
  // No agent serves host-c: Neutron's PortBindingError, and nothing stored.
  EXPECT_EQ(refusal([&] { create({{"host", "host-c"}}); }), Refusal(500, "PortBindingError"));
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-d"}, {"vnic_type", "warp"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] { create({{"vnic_type", "normal"}}); }), Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-d"}, {"status", "ACTIVE"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-d"}, {"profile", "x"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              create({{"host", "host-d"}}, &alice_);
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_inactive_port_bindings"), 1);
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                return bindings_.create(s, admin_, "no-such-port", {{"host", "host-b"}});
              });
            }),
            Refusal(404, "PortNotFound"));
}

TEST_F(PortBindingServiceTest, OnlyComputePortsHaveBindings) {
  const Json dhcp = create_port(admin_, {{"network_id", network_id_},
                                         {"device_owner", "network:dhcp"},
                                         {"binding:host_id", "host-a"}});
  EXPECT_EQ(
      refusal([&] {
        db().read([&](store::SqlSession& s) { return bindings_.list(s, admin_, dhcp["id"]); });
      }),
      Refusal(400, "BadRequest"));
}

TEST_F(PortBindingServiceTest, DeletingTheActiveBindingUnbindsThePort) {
  remove("host-a");
  const Json p = port();
  EXPECT_EQ(p["binding:host_id"], "");
  EXPECT_EQ(p["binding:vif_type"], "unbound");
  EXPECT_EQ(list()[0]["status"], "ACTIVE");
}

TEST_F(PortBindingServiceTest, BindingThePortToAHostReplacesItsInactiveBinding) {
  create({{"host", "host-b"}});
  update_port(admin_, port_["id"], {{"binding:host_id", "host-b"}});
  const auto all = list();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0]["host"], "host-b");
}

TEST_F(PortBindingServiceTest, DeletingThePortDeletesItsBindings) {
  create({{"host", "host-b"}});
  db().write([&](store::SqlSession& s) { ports_.remove(s, admin_, port_["id"]); });
  EXPECT_EQ(count("SELECT COUNT(*) FROM ml2_inactive_port_bindings"), 0);
}

}  // namespace
}  // namespace neutrino::neutron
