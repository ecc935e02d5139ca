// The push channel end to end on loopback: a real controller (HTTP API + channel server) and
// real agent channel clients, with no OVS involved.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "tests/unit/controller/channel/test_agent.hpp"
#include "tests/unit/controller/channel/test_controller.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;

using testing::TestAgent;

class AgentChannelTest : public ::testing::Test {
 protected:
  Json api(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return controller_.api(method, path, body);
  }
  Json agents() { return controller_.agents(); }

  testing::TestController controller_;
  const uint16_t agent_port_ = controller_.agent_port();
};

TEST_F(AgentChannelTest, AgentsReportBindPortsAndReceiveDeltas) {
  TestAgent a(agent_port_, "host-a", "agent-secret", "192.0.2.1");
  TestAgent b(agent_port_, "host-b", "agent-secret", "192.0.2.2");
  ASSERT_TRUE(a.wait_for([](const auto& s) { return s.empty(); }));
  ASSERT_TRUE(b.wait_for([](const auto& s) { return s.empty(); }));
  const Json list = agents();
  ASSERT_EQ(list.size(), 2u);
  // Lists are in id order, as Neutron's are; find host-a by name.
  const Json& host_a = list[0]["host"] == "host-a" ? list[0] : list[1];
  EXPECT_EQ(host_a["host"], "host-a");
  EXPECT_EQ(host_a["alive"], true);
  EXPECT_EQ(host_a["configurations"]["tunneling_ip"], "192.0.2.1");

  const std::string net =
      api("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}})["network"]["id"];
  api("POST", "/v2.0/subnets",
      {{"subnet", {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.1.0.0/24"}}}});
  const Json port_a = api("POST", "/v2.0/ports",
                          {{"port", {{"network_id", net}, {"binding:host_id", "host-a"}}}})["port"];
  EXPECT_EQ(port_a["binding:vif_type"], "ovs");
  EXPECT_EQ(port_a["status"], "DOWN");
  const std::string id_a = port_a["id"];
  ASSERT_TRUE(a.wait_for([&](const auto& s) {
    // port, network, subnet, and the port's default security group with its own members as
    // the remote group of its ingress rules.
    const auto groups = port_a["security_groups"];
    return s.contains("port:" + id_a) && s.contains("network:" + net) && groups.size() == 1 &&
           s.contains("security_group:" + groups[0].get<std::string>()) &&
           s.contains("remote_group:" + groups[0].get<std::string>()) && s.size() == 5;
  }));
  // host-b has no port on the network yet, so it learns nothing of it.
  const Json port_b = api("POST", "/v2.0/ports",
                          {{"port", {{"network_id", net}, {"binding:host_id", "host-b"}}}})["port"];
  const std::string id_b = port_b["id"];
  ASSERT_TRUE(a.wait_for([&](const auto& s) {
    return s.contains("remote:" + id_b) && s.at("remote:" + id_b)["tunnel_ip"] == "192.0.2.2";
  }));
  ASSERT_TRUE(b.wait_for([&](const auto& s) { return s.contains("remote:" + id_a); }));

  a.ack({id_a});
  for (int i = 0; i < 50 && api("GET", "/v2.0/ports/" + id_a)["port"]["status"] != "ACTIVE"; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(api("GET", "/v2.0/ports/" + id_a)["port"]["status"], "ACTIVE");
  // An agent cannot change ports bound elsewhere.
  a.ack({id_b});
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(api("GET", "/v2.0/ports/" + id_b)["port"]["status"], "DOWN");

  api("DELETE", "/v2.0/ports/" + id_b);
  ASSERT_TRUE(a.wait_for([&](const auto& s) { return !s.contains("remote:" + id_b); }));
  ASSERT_TRUE(b.wait_for([&](const auto& s) { return s.empty(); }));
}

// Security group changes reach the agents they concern: rule changes the hosts of the group's
// ports, membership changes the hosts whose rules name the group as remote.
TEST_F(AgentChannelTest, SecurityGroupChangesArePushed) {
  TestAgent a(agent_port_, "host-a", "agent-secret", "192.0.2.1");
  TestAgent b(agent_port_, "host-b", "agent-secret", "192.0.2.2");
  ASSERT_TRUE(a.wait_for([](const auto& s) { return s.empty(); }));
  ASSERT_TRUE(b.wait_for([](const auto& s) { return s.empty(); }));
  const std::string net =
      api("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}})["network"]["id"];
  api("POST", "/v2.0/subnets",
      {{"subnet", {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.2.0.0/24"}}}});
  auto group = [&](const std::string& name) -> std::string {
    return api("POST", "/v2.0/security-groups",
               {{"security_group", {{"name", name}}}})["security_group"]["id"];
  };
  const std::string web = group("web");
  const std::string dbs = group("db");
  api("POST", "/v2.0/ports",
      {{"port", {{"network_id", net}, {"binding:host_id", "host-a"}, {"security_groups", {dbs}}}}});
  const std::string rule = api("POST", "/v2.0/security-group-rules",
                               {{"security_group_rule",
                                 {{"security_group_id", dbs},
                                  {"direction", "ingress"},
                                  {"remote_group_id", web}}}})["security_group_rule"]["id"];
  ASSERT_TRUE(a.wait_for([&](const auto& s) {
    return s.contains("remote_group:" + web) && s.at("security_group:" + dbs)["rules"].size() == 3;
  }));
  const Json member = api(
      "POST", "/v2.0/ports",
      {{"port",
        {{"network_id", net}, {"binding:host_id", "host-b"}, {"security_groups", {web}}}}})["port"];
  const std::string ip = member["fixed_ips"][0]["ip_address"];
  ASSERT_TRUE(a.wait_for([&](const auto& s) {
    return s.at("remote_group:" + web)["addresses"] == Json::array({ip});
  }));
  api("PUT", "/v2.0/ports/" + member["id"].get<std::string>(),
      {{"port", {{"security_groups", Json::array()}}}});
  ASSERT_TRUE(
      a.wait_for([&](const auto& s) { return s.at("remote_group:" + web)["addresses"].empty(); }));
  api("DELETE", "/v2.0/security-group-rules/" + rule);
  ASSERT_TRUE(a.wait_for([&](const auto& s) {
    return !s.contains("remote_group:" + web) && s.at("security_group:" + dbs)["rules"].size() == 2;
  }));
}

TEST_F(AgentChannelTest, WrongSecretIsRefused) {
  TestAgent intruder(agent_port_, "evil", "not-the-secret", "192.0.2.9");
  std::this_thread::sleep_for(500ms);
  EXPECT_TRUE(agents().empty());
}

TEST_F(AgentChannelTest, UnauthenticatedPeerCannotAnnounceABigFrame) {
  // Before its hello is verified a peer may send a few KiB, not the 64 MiB of a snapshot: the
  // length prefix alone of a 1 MiB frame ends the connection, nothing is buffered.
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(agent_port_);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
  const std::string prefix("\x00\x10\x00\x00", 4);  // 1 MiB follows... never
  ASSERT_EQ(::send(fd, prefix.data(), prefix.size(), MSG_NOSIGNAL), 4);
  bool closed = false;
  // Well before the liveness timeout (3 heartbeats), which would also end it.
  const auto deadline = std::chrono::steady_clock::now() + 1500ms;
  while (!closed && std::chrono::steady_clock::now() < deadline) {
    pollfd waiting{fd, POLLIN, 0};
    if (::poll(&waiting, 1, 100) > 0) {
      char buffer[4096];
      closed = ::recv(fd, buffer, sizeof buffer, 0) <= 0;  // the challenge first, then EOF
    }
  }
  ::close(fd);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(agents().empty());
}

TEST_F(AgentChannelTest, SilentAgentTurnsDeadAndHeartbeatsKeepItAlive) {
  {
    TestAgent a(agent_port_, "host-a", "agent-secret", "192.0.2.1");
    ASSERT_TRUE(a.wait_for([](const auto&) { return true; }));
    std::this_thread::sleep_for(2500ms);  // heartbeats every second keep the row fresh
    EXPECT_EQ(agents()[0]["alive"], true);
  }
  EXPECT_EQ(agents().size(), 1u);  // a disconnected agent stays listed
}

// A router's gateway lives on a connected agent's host, which holds the router with no port of
// its own; when that agent disconnects, another connected one takes the gateway over.
TEST_F(AgentChannelTest, TheGatewayMovesToAnotherAgentWhenItsHostDisconnects) {
  std::map<std::string, std::unique_ptr<TestAgent>> agents;
  agents["host-a"] =
      std::make_unique<TestAgent>(agent_port_, "host-a", "agent-secret", "192.0.2.1");
  ASSERT_TRUE(agents["host-a"]->wait_for([](const auto&) { return true; }));
  const std::string ext =
      api("POST", "/v2.0/networks",
          {{"network", {{"name", "ext"}, {"router:external", true}}}})["network"]["id"];
  api("POST", "/v2.0/subnets",
      {{"subnet", {{"network_id", ext}, {"ip_version", 4}, {"cidr", "203.0.113.0/24"}}}});
  const std::string router =
      api("POST", "/v2.0/routers",
          {{"router",
            {{"name", "r"}, {"external_gateway_info", {{"network_id", ext}}}}}})["router"]["id"];
  const auto gateway_here = [&](const std::string& host) {
    return agents.at(host)->wait_for([&](const auto& s) {
      const auto it = s.find("router:" + router);
      return it != s.end() && it->second["gateway"]["host"] == host && s.contains("network:" + ext);
    });
  };
  ASSERT_TRUE(gateway_here("host-a"));
  agents["host-b"] =
      std::make_unique<TestAgent>(agent_port_, "host-b", "agent-secret", "192.0.2.2");
  ASSERT_TRUE(agents["host-b"]->wait_for([](const auto&) { return true; }));
  // One of the two holds it, whichever the router's hash prefers.
  std::string chosen;
  for (int i = 0; i < 100 && chosen.empty(); ++i) {
    for (const auto& host : {"host-a", "host-b"}) {
      if (agents.at(host)->wait_for(
              [&](const auto& s) {
                const auto it = s.find("router:" + router);
                return it != s.end() && it->second["gateway"]["host"] == host;
              },
              50ms)) {
        chosen = host;
      }
    }
  }
  ASSERT_FALSE(chosen.empty());
  const std::string other = chosen == "host-a" ? "host-b" : "host-a";
  agents.erase(chosen);
  ASSERT_TRUE(gateway_here(other));
}

}  // namespace
}  // namespace neutrino
