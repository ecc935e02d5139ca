#pragma once
// Test helper: a real controller (HTTP API + agent channel) on free loopback ports with a
// fresh store, and an admin token to drive its API.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include "common/http_client.hpp"
#include "common/json.hpp"
#include "controller/app/controller_app.hpp"

namespace neutrino::testing {

class TestController {
 public:
  static constexpr const char* kSecret = "agent-secret";

  // `customise` adjusts the configuration (TLS files, ...) before the controller starts.
  // Throws what ControllerApp::start() throws.
  explicit TestController(
      const std::function<void(controller::ControllerConfig&)>& customise = nullptr);
  ~TestController();
  TestController(const TestController&) = delete;
  TestController& operator=(const TestController&) = delete;

  uint16_t agent_port() const { return agent_port_; }
  uint16_t http_port() const { return http_port_; }
  Json api(const std::string& method, const std::string& path, const Json& body = nullptr);
  // One per connected host: its Open vSwitch agent (each also shows as its DHCP agent).
  Json agents() { return api("GET", "/v2.0/agents?agent_type=Open%20vSwitch%20agent")["agents"]; }
  // Any request with the admin token and the given headers, answered as it came.
  HttpClient::Result raw(const std::string& method, const std::string& path,
                         const std::string& body,
                         std::vector<std::pair<std::string, std::string>> headers = {});

 private:
  void start(const std::function<void(controller::ControllerConfig&)>& customise);

  std::filesystem::path dir_;
  std::unique_ptr<controller::ControllerApp> app_;
  std::unique_ptr<HttpClient> http_;
  std::string token_;
  uint16_t agent_port_ = 0;
  uint16_t http_port_ = 0;
};

}  // namespace neutrino::testing
