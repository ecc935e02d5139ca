#include "controller/neutron/dhcp_agent_scheduler.hpp"

#include <gtest/gtest.h>

#include "service_fixture.hpp"

namespace neutrino::neutron {
namespace {

using Refusal = std::pair<int, std::string>;

class DhcpAgentSchedulerTest : public testing::ServiceFixture {
 protected:
  void SetUp() override {
    ServiceFixture::SetUp();
    dhcp1_ = report("host1", "az1");
    dhcp2_ = report("host2", "az2");
  }
  // Reports a host's agents; returns the id of its DHCP agent.
  std::string report(const std::string& host, const std::string& zone) {
    agents::AgentReport r;
    r.host = host;
    r.availability_zone = zone;
    return db().write([&](store::SqlSession& s) {
      agents_.report(s, r, true);
      return s
          .query("SELECT id FROM agents WHERE host = ? AND agent_type = 'DHCP agent'", {host})[0]
          .text(0);
    });
  }
  std::string dhcp_network() {
    const std::string id = create_network(admin_)["id"];
    create_subnet(admin_, {{"network_id", id}, {"ip_version", 4}, {"cidr", "10.0.0.0/24"}});
    return id;
  }
  bool ensure(const std::string& host, const std::vector<std::string>& asked) {
    return db().write(
        [&](store::SqlSession& s) { return scheduler_.ensure_ports(s, host, asked); });
  }
  std::vector<std::string> hosts_of(const std::string& network_id) {
    std::vector<std::string> out;
    for (const auto& a : db().read([&](store::SqlSession& s) {
           return scheduler_.agents_hosting(s, admin_, network_id);
         })) {
      out.push_back(a["host"]);
    }
    return out;
  }
  std::vector<std::string> networks_of(const std::string& agent_id) {
    std::vector<std::string> out;
    for (const auto& n : db().read([&](store::SqlSession& s) {
           return scheduler_.networks_on_agent(s, admin_, agent_id);
         })) {
      out.push_back(n["id"]);
    }
    return out;
  }
  void add(const std::string& agent_id, const std::string& network_id) {
    db().write([&](store::SqlSession& s) {
      scheduler_.add(s, admin_, agent_id, {{"network_id", network_id}});
    });
  }
  void remove(const std::string& agent_id, const std::string& network_id) {
    db().write([&](store::SqlSession& s) { scheduler_.remove(s, admin_, agent_id, network_id); });
  }
  int64_t dhcp_ports(const std::string& host, const std::string& network_id) {
    return db().read([&](store::SqlSession& s) {
      return s
          .query(
              "SELECT COUNT(*) FROM ports p JOIN ml2_port_bindings b ON b.port_id = p.id WHERE "
              "p.device_owner = 'network:dhcp' AND b.host = ? AND p.network_id = ?",
              {host, network_id})[0]
          .integer(0);
    });
  }

  DhcpAgentScheduler scheduler_{agents_, networks_, ports_};
  std::string dhcp1_;
  std::string dhcp2_;
};

TEST_F(DhcpAgentSchedulerTest, AnAgentServesWhatItsGuestsNeed) {
  const std::string net = dhcp_network();
  EXPECT_TRUE(hosts_of(net).empty());
  EXPECT_TRUE(ensure("host1", {net}));
  EXPECT_FALSE(ensure("host1", {net}));  // nothing left to do
  EXPECT_EQ(hosts_of(net), std::vector<std::string>{"host1"});
  EXPECT_EQ(networks_of(dhcp1_), std::vector<std::string>{net});
  EXPECT_TRUE(networks_of(dhcp2_).empty());
  // network_availability_zone: the zones of the agents serving it.
  const Json shown =
      db().read([&](store::SqlSession& s) { return networks_.show(s, admin_, net); });
  EXPECT_EQ(shown["availability_zones"], Json::array({"az1"}));
  EXPECT_TRUE(ensure("host1", {}));
  EXPECT_TRUE(hosts_of(net).empty());
}

TEST_F(DhcpAgentSchedulerTest, AdminAddsAndRemovesNetworks) {
  const std::string net = dhcp_network();
  ensure("host1", {net});
  add(dhcp2_, net);
  EXPECT_EQ(dhcp_ports("host2", net), 1);
  EXPECT_EQ(hosts_of(net), (std::vector<std::string>{"host1", "host2"}));
  EXPECT_EQ(refusal([&] { add(dhcp2_, net); }), Refusal(409, "NetworkHostedByDHCPAgent"));
  // The agent's own requests keep what the admin added.
  EXPECT_FALSE(ensure("host2", {}));
  EXPECT_EQ(dhcp_ports("host2", net), 1);

  remove(dhcp1_, net);
  EXPECT_EQ(dhcp_ports("host1", net), 0);
  EXPECT_EQ(hosts_of(net), std::vector<std::string>{"host2"});
  // ... and do not bring back what the admin removed.
  EXPECT_FALSE(ensure("host1", {net}));
  EXPECT_EQ(dhcp_ports("host1", net), 0);
  EXPECT_EQ(refusal([&] { remove(dhcp1_, net); }), Refusal(409, "NetworkNotHostedByDhcpAgent"));
  add(dhcp1_, net);
  EXPECT_EQ(dhcp_ports("host1", net), 1);
}

TEST_F(DhcpAgentSchedulerTest, ANetworkWithoutDhcpSubnetIsHostedByChoice) {
  const std::string net = create_network(admin_)["id"];
  add(dhcp1_, net);
  EXPECT_EQ(dhcp_ports("host1", net), 0);
  EXPECT_EQ(networks_of(dhcp1_), std::vector<std::string>{net});
  remove(dhcp1_, net);
  EXPECT_TRUE(networks_of(dhcp1_).empty());
}

TEST_F(DhcpAgentSchedulerTest, RefusesWhatNeutronRefuses) {
  const std::string net = dhcp_network();
  const std::string ovs_agent = db().read([&](store::SqlSession& s) {
    return s.query("SELECT id FROM agents WHERE agent_type = 'Open vSwitch agent'")[0].text(0);
  });
  EXPECT_EQ(refusal([&] { add(ovs_agent, net); }), Refusal(404, "InvalidDHCPAgent"));
  EXPECT_EQ(refusal([&] { add(dhcp1_, "f0f0f0f0-0000-4000-8000-000000000000"); }),
            Refusal(404, "NetworkNotFound"));
  EXPECT_EQ(refusal([&] { add("f0f0f0f0-0000-4000-8000-000000000000", net); }),
            Refusal(404, "AgentNotFound"));
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) { scheduler_.add(s, admin_, dhcp1_, {}); });
            }),
            Refusal(400, "HTTPBadRequest"));
  db().write([&](store::SqlSession& s) {
    agents_.update(s, admin_, dhcp1_, {{"admin_state_up", false}});
  });
  EXPECT_EQ(refusal([&] { add(dhcp1_, net); }), Refusal(404, "InvalidDHCPAgent"));
  EXPECT_TRUE(networks_of(ovs_agent).empty());
  // Admin only, as Neutron's policy.
  EXPECT_EQ(
      refusal([&] {
        db().read([&](store::SqlSession& s) { return scheduler_.agents_hosting(s, alice_, net); });
      }),
      Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(refusal([&] {
              db().write([&](store::SqlSession& s) {
                scheduler_.add(s, alice_, dhcp2_, {{"network_id", net}});
              });
            }),
            Refusal(403, "PolicyNotAuthorized"));
  EXPECT_EQ(dhcp_ports("host2", net), 0);
}

TEST_F(DhcpAgentSchedulerTest, NetworksTakeHintsOfExistingZones) {
  const Json n = create_network(alice_, {{"availability_zone_hints", Json::array({"az2", "az1"})}});
  EXPECT_EQ(n["availability_zone_hints"], Json::array({"az2", "az1"}));
  EXPECT_EQ(n["availability_zones"], Json::array());
  EXPECT_EQ(create_network(alice_)["availability_zone_hints"], Json::array());
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"availability_zone_hints", Json::array({"az9"})}});
            }),
            Refusal(404, "AvailabilityZoneNotFound"));
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"availability_zone_hints", Json::array({"az1", "az1"})}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(refusal([&] {
              create_network(alice_, {{"availability_zone_hints", "az1"}});
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(
      refusal([&] {
        create_network(alice_, {{"availability_zone_hints", Json::array({std::string(300, 'a')})}});
      }),
      Refusal(400, "InvalidInput"));
  // Hints are fixed once given, as in Neutron.
  EXPECT_EQ(refusal([&] {
              network_schema().validate({{"availability_zone_hints", Json::array({"az1"})}},
                                        Operation::kUpdate);
            }),
            Refusal(400, "HTTPBadRequest"));
  EXPECT_EQ(count("SELECT COUNT(*) FROM networks"), 2);
}

}  // namespace
}  // namespace neutrino::neutron
