#include "tests/unit/controller/channel/test_controller.hpp"

#include <fstream>

#include "common/random.hpp"

namespace neutrino::testing {

TestController::TestController(const std::function<void(controller::ControllerConfig&)>& customise)
    : dir_(std::filesystem::temp_directory_path() / ("neutrino-channel-" + random::uuid4())) {
  try {
    start(customise);
  } catch (...) {
    app_.reset();
    std::filesystem::remove_all(dir_);
    throw;
  }
}

TestController::~TestController() {
  http_.reset();
  app_.reset();
  std::filesystem::remove_all(dir_);
}

void TestController::start(const std::function<void(controller::ControllerConfig&)>& customise) {
  controller::ControllerConfig config;
  config.listen_port = 0;
  config.agent_listen_port = 0;
  config.agent_secret = kSecret;
  config.agent_heartbeat = 1;
  config.data_dir = dir_.string();
  config.admin_password = "admin-pw";
  config.log_level = "warning";
  if (customise) {
    customise(config);
  }
  app_ = std::make_unique<controller::ControllerApp>(config);
  app_->start();
  std::ifstream in(config.agent_url_file_path());
  std::string address;
  in >> address;
  agent_port_ = static_cast<uint16_t>(std::stoi(address.substr(address.rfind(':') + 1)));
  const std::string url = app_->bound_url();
  http_port_ = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  http_ = std::make_unique<HttpClient>("127.0.0.1", http_port_);
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

Json TestController::api(const std::string& method, const std::string& path, const Json& body) {
  auto r =
      http_->request(method, path, body.is_null() ? "" : body.dump(), {{"X-Auth-Token", token_}});
  return r.body.empty() ? Json(r.status) : Json::parse(r.body);
}

}  // namespace neutrino::testing

namespace neutrino::testing {

HttpClient::Result TestController::raw(const std::string& method, const std::string& path,
                                       const std::string& body,
                                       std::vector<std::pair<std::string, std::string>> headers) {
  headers.emplace_back("X-Auth-Token", token_);
  return http_->request(method, path, body, std::move(headers));
}

}  // namespace neutrino::testing
