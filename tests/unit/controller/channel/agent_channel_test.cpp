// The push channel end to end on loopback: a real controller (HTTP API + channel server) and
// real agent channel clients, with no OVS involved.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "agent/channel/channel_client.hpp"
#include "common/http_client.hpp"
#include "common/random.hpp"
#include "controller/app/controller_app.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;

// One simulated agent: its own io thread and the last state the controller pushed.
class TestAgent {
 public:
  TestAgent(uint16_t port, const std::string& host, const std::string& secret,
            const std::string& tunnel_ip) {
    agent::ChannelClientOptions options;
    options.controller_port = port;
    options.secret = secret;
    options.identity = {{"host", host}, {"tunnel_ip", tunnel_ip}, {"datapath_type", "netdev"}};
    client_ = std::make_unique<agent::ChannelClient>(
        io_, options,
        agent::ChannelCallbacks{[this](const channel::HostState& state, int64_t revision) {
                                  std::lock_guard lock(mutex_);
                                  state_ = state;
                                  revision_ = revision;
                                  changed_.notify_all();
                                },
                                nullptr, nullptr});
    client_->start();
    thread_ = std::thread([this] { io_.run(); });
  }
  ~TestAgent() {
    client_->stop();
    io_.stop();
    thread_.join();
  }
  // Waits until the pushed state satisfies `ready`.
  bool wait_for(const std::function<bool(const channel::HostState&)>& ready) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, 5s, [&] { return revision_ > 0 && ready(state_); });
  }
  void ack(std::vector<std::string> up) {
    std::lock_guard lock(mutex_);
    client_->acknowledge(revision_, std::move(up), {});
  }

 private:
  boost::asio::io_context io_;
  std::unique_ptr<agent::ChannelClient> client_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  channel::HostState state_;
  int64_t revision_ = 0;
};

class AgentChannelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-channel-" + random::uuid4());
    controller::ControllerConfig config;
    config.listen_port = 0;
    config.agent_listen_port = 0;
    config.agent_secret = "agent-secret";
    config.agent_heartbeat = 1;
    config.data_dir = dir_.string();
    config.admin_password = "admin-pw";
    config.log_level = "warning";
    app_ = std::make_unique<controller::ControllerApp>(config);
    app_->start();
    std::ifstream in(config.agent_url_file_path());
    std::string address;
    in >> address;
    agent_port_ = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
    const std::string url = app_->bound_url();
    http_ = std::make_unique<HttpClient>(
        "127.0.0.1", static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1))));
    const Json auth = {
        {"auth",
         {{"identity",
           {{"methods", {"password"}},
            {"password",
             {{"user",
               {{"name", "admin"}, {"domain", {{"id", "default"}}}, {"password", "admin-pw"}}}}}}},
          {"scope", {{"project", {{"name", "admin"}, {"domain", {{"id", "default"}}}}}}}}}};
    token_ = http_->request("POST", "/v3/auth/tokens", auth.dump()).headers.at("x-subject-token");
  }
  void TearDown() override {
    http_.reset();
    app_.reset();
    std::filesystem::remove_all(dir_);
  }
  Json api(const std::string& method, const std::string& path, const Json& body = nullptr) {
    auto r =
        http_->request(method, path, body.is_null() ? "" : body.dump(), {{"X-Auth-Token", token_}});
    return r.body.empty() ? Json(r.status) : Json::parse(r.body);
  }
  Json agents() { return api("GET", "/v2.0/agents")["agents"]; }

  std::filesystem::path dir_;
  std::unique_ptr<controller::ControllerApp> app_;
  std::unique_ptr<HttpClient> http_;
  std::string token_;
  uint16_t agent_port_ = 0;
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
    return s.contains("port:" + id_a) && s.contains("network:" + net) && s.size() == 3;
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

TEST_F(AgentChannelTest, WrongSecretIsRefused) {
  TestAgent intruder(agent_port_, "evil", "not-the-secret", "192.0.2.9");
  std::this_thread::sleep_for(500ms);
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

}  // namespace
}  // namespace neutrino
