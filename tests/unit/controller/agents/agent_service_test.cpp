#include "controller/agents/agent_service.hpp"

#include <gtest/gtest.h>

#include "../neutron/service_fixture.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::agents {
namespace {

class AgentServiceTest : public neutron::testing::ServiceFixture {
 protected:
  std::string report(const std::string& host, bool started = true) {
    AgentReport r;
    r.host = host;
    r.configurations = {{"tunneling_ip", "192.0.2.10"},
                        {"bridge_mappings", {{"physnet1", "br-phys1"}}},
                        {"datapath_type", "netdev"}};
    return db().write([&](store::SqlSession& s) { return agents_.report(s, r, started); });
  }
};

TEST_F(AgentServiceTest, OneRowPerHostShownAsNeutronShowsIt) {
  const std::string id = report("compute1");
  EXPECT_EQ(report("compute1", false), id);
  const auto list = db().read([&](store::SqlSession& s) { return agents_.list(s, admin_); });
  ASSERT_EQ(list.size(), 2u);  // ordered by host, then agent type
  EXPECT_EQ(list[1]["id"], id);
  EXPECT_EQ(list[1]["agent_type"], "Open vSwitch agent");
  EXPECT_EQ(list[1]["binary"], "neutrino-agent");
  EXPECT_EQ(list[1]["host"], "compute1");
  EXPECT_EQ(list[1]["alive"], true);
  EXPECT_EQ(list[1]["availability_zone"], nullptr);
  EXPECT_EQ(list[1]["configurations"]["tunneling_ip"], "192.0.2.10");
  EXPECT_EQ(list[1]["heartbeat_timestamp"].get<std::string>().size(),
            19u);  // "YYYY-MM-DD hh:mm:ss"
  EXPECT_EQ(list[0]["agent_type"], "DHCP agent");
  EXPECT_EQ(list[0]["topic"], "dhcp_agent");
  EXPECT_EQ(list[0]["availability_zone"], "nova");
  EXPECT_TRUE(db().read([&](store::SqlSession& s) { return agents_.list(s, alice_); }).empty());
  EXPECT_THROW(db().read([&](store::SqlSession& s) { return agents_.show(s, alice_, id); }),
               api::ApiError);
}

TEST_F(AgentServiceTest, AMetadataProxyShowsAsAMetadataAgentUntilItStops) {
  AgentReport r;
  r.host = "compute3";
  r.serves_metadata = true;
  r.availability_zone = "az1";
  db().write([&](store::SqlSession& s) { return agents_.report(s, r, true); });
  auto types = [&] {
    std::vector<std::string> out;
    for (const auto& a : db().read([&](store::SqlSession& s) { return agents_.list(s, admin_); })) {
      out.push_back(
          a["agent_type"].get<std::string>() + "@" +
          (a["availability_zone"].is_null() ? "-" : a["availability_zone"].get<std::string>()));
    }
    return out;
  };
  EXPECT_EQ(types(), (std::vector<std::string>{"DHCP agent@az1", "Metadata agent@-",
                                               "Open vSwitch agent@-"}));
  r.serves_metadata = false;
  EXPECT_FALSE(db().write([&](store::SqlSession& s) { return agents_.heartbeat(s, r); }));
  db().write([&](store::SqlSession& s) { return agents_.report(s, r, false); });
  EXPECT_EQ(types(), (std::vector<std::string>{"DHCP agent@az1", "Open vSwitch agent@-"}));
  EXPECT_TRUE(db().write([&](store::SqlSession& s) { return agents_.heartbeat(s, r); }));
}

TEST_F(AgentServiceTest, ADeletedAgentComesBackAtItsNextHeartbeat) {
  AgentReport r;
  r.host = "compute4";
  const std::string id =
      db().write([&](store::SqlSession& s) { return agents_.report(s, r, true); });
  db().write([&](store::SqlSession& s) { agents_.remove(s, admin_, id); });
  EXPECT_FALSE(db().write([&](store::SqlSession& s) { return agents_.heartbeat(s, r); }));
  const std::string again =
      db().write([&](store::SqlSession& s) { return agents_.report(s, r, false); });
  EXPECT_NE(again, id);
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return agents_.list(s, admin_); }).size(), 2u);
}

TEST_F(AgentServiceTest, MissedHeartbeatsMeanDeadAndPortsFailToBind) {
  const std::string id = report("compute1");
  db().write([&](store::SqlSession& s) {
    s.execute("UPDATE agents SET heartbeat_timestamp = heartbeat_timestamp - 76 WHERE id = ?",
              {id});
  });
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return agents_.show(s, admin_, id); })["alive"],
            false);
  const std::string net = create_network(admin_)["id"];
  EXPECT_EQ(create_port(admin_,
                        {{"network_id", net}, {"binding:host_id", "compute1"}})["binding:vif_type"],
            "binding_failed");
  report("compute1", false);  // a heartbeat brings it back
  const Json bound = create_port(admin_, {{"network_id", net}, {"binding:host_id", "compute1"}});
  EXPECT_EQ(bound["binding:vif_type"], "ovs");
  EXPECT_EQ(bound["binding:vif_details"]["datapath_type"], "netdev");
  EXPECT_EQ(bound["binding:vif_details"]["bridge_name"], "br-int");
  EXPECT_EQ(create_port(admin_, {{"network_id", net}})["binding:vif_type"], "unbound");
}

TEST_F(AgentServiceTest, AdminCanDisableDescribeAndDelete) {
  const std::string id = report("compute2");
  const Json updated = db().write([&](store::SqlSession& s) {
    return agents_.update(s, admin_, id, {{"admin_state_up", false}, {"description", "drained"}});
  });
  EXPECT_EQ(updated["admin_state_up"], false);
  EXPECT_EQ(updated["description"], "drained");
  EXPECT_FALSE(
      db().read([&](store::SqlSession& s) { return agents_.alive_on_host(s, "compute2"); }));
  db().write([&](store::SqlSession& s) { agents_.remove(s, admin_, id); });
  EXPECT_EQ(db().read([&](store::SqlSession& s) { return agents_.list(s, admin_); }).size(), 1u);
}

}  // namespace
}  // namespace neutrino::agents

namespace neutrino::agents {
namespace {

// Gateway hosts are chosen among connected agents: a session's start and end are journaled
// changes, a heartbeat is not, and the end of a session the agent has replaced changes nothing.
TEST_F(AgentServiceTest, ChannelSessionsAreJournaledChanges) {
  const auto head = [&] {
    return db().read([](store::SqlSession& s) { return store::ChangeJournal::head(s); });
  };
  const auto session_of = [&](const std::string& host) {
    return db().read([&](store::SqlSession& s) {
      return s
          .query("SELECT channel_session FROM agents WHERE host = ? AND agent_type = ?",
                 {host, std::string(kOvsAgentType)})
          .at(0)
          .optional_text(0)
          .value_or("");
    });
  };
  AgentReport r;
  r.host = "compute1";
  r.channel_session = "s1";
  db().write([&](store::SqlSession& s) { agents_.report(s, r, true); });
  EXPECT_EQ(session_of("compute1"), "s1");
  const int64_t connected = head();
  db().write([&](store::SqlSession& s) { agents_.heartbeat(s, r); });
  db().write([&](store::SqlSession& s) { agents_.disconnected(s, "compute1", "s0"); });
  EXPECT_EQ(head(), connected);
  EXPECT_EQ(session_of("compute1"), "s1");
  db().write([&](store::SqlSession& s) { agents_.disconnected(s, "compute1", "s1"); });
  EXPECT_GT(head(), connected);
  EXPECT_EQ(session_of("compute1"), "");
  r.channel_session = "s2";
  db().write([&](store::SqlSession& s) { agents_.report(s, r, true); });
  const int64_t reconnected = head();
  EXPECT_GT(reconnected, connected);
  db().write([&](store::SqlSession& s) { agents_.forget_sessions(s); });
  EXPECT_GT(head(), reconnected);
  EXPECT_EQ(session_of("compute1"), "");
}

}  // namespace
}  // namespace neutrino::agents
