// The compute side of the push channel end to end on loopback: a real controller and a
// scripted agent speaking the compute contract (capacity in the hello, instance objects in
// the state, instance_state reports, console log requests, signed image downloads).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "common/channel/hmac_signer.hpp"
#include "tests/unit/controller/channel/compute_test_agent.hpp"
#include "tests/unit/controller/channel/test_controller.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;
using testing::ComputeTestAgent;

const Json kCapacity = {{"vcpus", 4},
                        {"memory_mb", 4096},
                        {"disk_gb", 40},
                        {"hypervisor_type", "QEMU"},
                        {"hypervisor_version", 7002000},
                        {"availability_zone", "nova"},
                        {"virt_type", "qemu"}};

class ComputeChannelTest : public ::testing::Test {
 protected:
  ComputeChannelTest()
      : controller_(
            [](controller::ControllerConfig& c) { c.compute.console_timeout_seconds = 1; }) {}

  Json api(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return controller_.api(method, path, body);
  }
  Json nova(const std::string& method, const std::string& path, const Json& body = nullptr) {
    return api(method, "/compute/v2.1" + path, body);
  }
  Json server(const std::string& id) { return nova("GET", "/servers/" + id)["server"]; }

  // Waits for `predicate` on the server's representation.
  bool server_becomes(const std::string& id, const std::function<bool(const Json&)>& predicate) {
    for (int i = 0; i < 100; ++i) {
      if (predicate(server(id))) {
        return true;
      }
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

  // A network with a subnet and an active raw image; returns a booted server's id.
  std::string boot() {
    const std::string net =
        api("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}})["network"]["id"];
    api("POST", "/v2.0/subnets",
        {{"subnet", {{"network_id", net}, {"ip_version", 4}, {"cidr", "10.3.0.0/24"}}}});
    image_ = api("POST", "/image/v2/images",
                 {{"name", "disk"}, {"disk_format", "raw"}, {"container_format", "bare"}})["id"];
    const auto put =
        controller_.raw("PUT", "/image/v2/images/" + image_ + "/file", std::string(1024, 'x'),
                        {{"Content-Type", "application/octet-stream"}});
    EXPECT_EQ(put.status, 204) << put.body;
    const Json created = nova("POST", "/servers",
                              {{"server",
                                {{"name", "vm1"},
                                 {"imageRef", image_},
                                 {"flavorRef", "42"},
                                 {"networks", Json::array({{{"uuid", net}}})}}}});
    return created["server"]["id"];
  }

  void report(ComputeTestAgent& agent, const std::string& id, const std::string& power,
              const std::string& task) {
    agent.send({{"type", "instance_state"},
                {"instances",
                 Json::array(
                     {{{"id", id}, {"power_state", power}, {"task", task}, {"fault", nullptr}}})}});
  }

  testing::TestController controller_;
  const uint16_t port_ = controller_.agent_port();
  std::string image_;
};

TEST_F(ComputeChannelTest, AHelloWithComputeMakesAServiceAndAHypervisor) {
  ComputeTestAgent network_only(port_, "net1", testing::TestController::kSecret, nullptr);
  ComputeTestAgent agent(port_, "compute1", testing::TestController::kSecret, kCapacity);
  ASSERT_TRUE(agent.wait_for([](const auto&) { return true; }));
  ASSERT_TRUE(network_only.wait_for([](const auto&) { return true; }));
  const Json services = nova("GET", "/os-services")["services"];
  ASSERT_EQ(services.size(), 1u);
  EXPECT_EQ(services[0]["host"], "compute1");
  EXPECT_EQ(services[0]["state"], "up");
  const Json hypervisor = nova("GET", "/os-hypervisors/detail")["hypervisors"][0];
  EXPECT_EQ(hypervisor["vcpus"], 4);
  EXPECT_EQ(hypervisor["memory_mb"], 4096);
  EXPECT_EQ(hypervisor["local_gb"], 40);
  EXPECT_EQ(hypervisor["hypervisor_version"], 7002000);
  EXPECT_EQ(hypervisor["host_ip"], "192.0.2.21");
}

TEST_F(ComputeChannelTest, InstancesArePushedAndReportsDriveTheirStatus) {
  ComputeTestAgent agent(port_, "compute1", testing::TestController::kSecret, kCapacity);
  ASSERT_TRUE(agent.wait_for([](const auto&) { return true; }));
  const std::string id = boot();
  const std::string key = "instance:" + id;
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return s.contains(key); }));
  Json instance;
  agent.wait_for([&](const auto& s) {
    instance = s.at(key);
    return true;
  });
  EXPECT_EQ(instance["name"], "instance-00000001");
  EXPECT_EQ(instance["hostname"], "vm1");
  EXPECT_EQ(instance["memory_mb"], 128);
  EXPECT_EQ(instance["vcpus"], 1);
  EXPECT_EQ(instance["root_gb"], 1);
  EXPECT_EQ(instance["power"], "running");
  EXPECT_EQ(instance["reboot_count"], 0);
  EXPECT_EQ(instance["reboot_type"], "SOFT");
  EXPECT_EQ(instance["start_count"], 0);
  EXPECT_EQ(instance["image"]["id"], image_);
  EXPECT_EQ(instance["image"]["size"], 1024);
  EXPECT_EQ(instance["image"]["os_hash_algo"], "sha512");
  EXPECT_EQ(instance["image"]["os_hash_value"].get<std::string>().size(), 128u);
  EXPECT_EQ(instance["kernel"], nullptr);
  ASSERT_EQ(instance["ports"].size(), 1u);
  const std::string port = instance["ports"][0]["id"];
  EXPECT_EQ(instance["ports"][0]["mtu"], 1450);
  EXPECT_TRUE(agent.wait_for([&](const auto& s) { return s.contains("port:" + port); }));

  report(agent, id, "paused", "spawning");
  report(agent, id, "running", "ready");
  ASSERT_TRUE(server_becomes(id, [](const Json& s) { return s["status"] == "ACTIVE"; }));

  nova("POST", "/servers/" + id + "/action", {{"os-stop", nullptr}});
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return s.at(key)["power"] == "stopped"; }));
  report(agent, id, "shutdown", "ready");
  ASSERT_TRUE(server_becomes(id, [](const Json& s) { return s["status"] == "SHUTOFF"; }));
  nova("POST", "/servers/" + id + "/action", {{"os-start", nullptr}});
  ASSERT_TRUE(agent.wait_for([&](const auto& s) {
    instance = s.at(key);
    return instance["power"] == "running";
  }));
  EXPECT_EQ(instance["start_count"], 1) << "a start the agent carries out even if merged";
  report(agent, id, "running", "ready");
  ASSERT_TRUE(server_becomes(id, [](const Json& s) { return s["status"] == "ACTIVE"; }));

  nova("POST", "/servers/" + id + "/action", {{"reboot", {{"type", "HARD"}}}});
  EXPECT_EQ(server(id)["status"], "HARD_REBOOT");
  ASSERT_TRUE(agent.wait_for([&](const auto& s) {
    instance = s.at(key);
    return instance["reboot_count"] == 1;
  }));
  EXPECT_EQ(instance["reboot_type"], "HARD") << "the agent must know the kind";
  agent.ack();
  ASSERT_TRUE(server_becomes(id, [](const Json& s) { return s["status"] == "ACTIVE"; }));
  nova("POST", "/servers/" + id + "/action", {{"reboot", {{"type", "SOFT"}}}});
  ASSERT_TRUE(agent.wait_for([&](const auto& s) {
    instance = s.at(key);
    return instance["reboot_count"] == 2;
  }));
  EXPECT_EQ(instance["reboot_type"], "SOFT");
  agent.ack();
  ASSERT_TRUE(server_becomes(id, [](const Json& s) { return s["status"] == "ACTIVE"; }));

  // Deleting takes the instance out of the state; the port stays until the guest is gone.
  EXPECT_EQ(api("DELETE", "/compute/v2.1/servers/" + id), Json(204));
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return !s.contains(key); }));
  EXPECT_TRUE(agent.wait_for([&](const auto& s) { return s.contains("port:" + port); }));
  report(agent, id, "nostate", "ready");
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return !s.contains("port:" + port); }));
  EXPECT_EQ(nova("GET", "/servers/" + id)["itemNotFound"]["code"], 404);
}

TEST_F(ComputeChannelTest, ConsoleLogIsAskedOfTheInstancesAgent) {
  ComputeTestAgent agent(port_, "compute1", testing::TestController::kSecret, kCapacity);
  ASSERT_TRUE(agent.wait_for([](const auto&) { return true; }));
  const std::string id = boot();
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return s.contains("instance:" + id); }));
  agent.on_console([&](const Json& request) -> Json {
    EXPECT_EQ(request["instance_id"], id);
    EXPECT_EQ(request["length"], 5);
    return {{"output", "login:\x07 ok\n"}, {"error", nullptr}};
  });
  const Json output =
      nova("POST", "/servers/" + id + "/action", {{"os-getConsoleOutput", {{"length", 5}}}});
  EXPECT_EQ(output["output"], "login: ok\n");  // control characters removed, as Nova does
  agent.on_console([](const Json&) -> Json { return {{"error", "no console.log yet"}}; });
  EXPECT_EQ(nova("POST", "/servers/" + id + "/action",
                 {{"os-getConsoleOutput", nullptr}})["itemNotFound"]["message"],
            "no console.log yet");
  agent.on_console([](const Json&) -> Json { return nullptr; });  // silent
  const auto started = std::chrono::steady_clock::now();
  const Json timeout =
      nova("POST", "/servers/" + id + "/action", {{"os-getConsoleOutput", nullptr}});
  EXPECT_EQ(timeout["conflictingRequest"]["code"], 409);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
}

TEST_F(ComputeChannelTest, AgentsDownloadTheirInstancesImagesWithASignature) {
  ComputeTestAgent agent(port_, "compute1", testing::TestController::kSecret, kCapacity);
  ASSERT_TRUE(agent.wait_for([](const auto&) { return true; }));
  const std::string id = boot();
  ASSERT_TRUE(agent.wait_for([&](const auto& s) { return s.contains("instance:" + id); }));
  const auto get = [&](const std::string& host, const std::string& secret) {
    HttpClient client("127.0.0.1", controller_.http_port());
    return client.request(
        "GET", "/image/v2/images/" + image_ + "/file", "",
        {{"X-Neutrino-Agent-Host", host},
         {"X-Neutrino-Agent-Signature", channel::HmacSigner(secret).sign(host + "\n" + image_)}});
  };
  auto ok = get("compute1", testing::TestController::kSecret);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, std::string(1024, 'x'));
  EXPECT_EQ(ok.headers["content-md5"].size(), 32u);
  EXPECT_EQ(get("compute1", "wrong-secret").status, 401);
  EXPECT_EQ(get("compute2", testing::TestController::kSecret).status, 404);
}

}  // namespace
}  // namespace neutrino
