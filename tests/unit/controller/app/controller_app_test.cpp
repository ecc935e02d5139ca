#include "controller/app/controller_app.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace neutrino::controller {
namespace {

class ControllerAppTest : public ::testing::Test {
 protected:
  ControllerAppTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "controller-app-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    config_.data_dir = (dir_ / "data").string();  // created by the app
    config_.listen_port = 0;
    config_.db_sync = "normal";
    config_.api_workers = 1;
  }
  ~ControllerAppTest() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  static http::Request request(const std::string& method, const std::string& path) {
    http::Request r;
    r.method = method;
    r.target = path;
    r.path = path;
    return r;
  }
  static Json json(const http::Response& r) { return Json::parse(r.body); }

  std::filesystem::path dir_;
  ControllerConfig config_;
};

TEST_F(ControllerAppTest, RefusesAnEmptyStoreWithoutAdminPassword) {
  EXPECT_THROW(ControllerApp app(config_), std::runtime_error);
  config_.admin_password = "pw";
  { ControllerApp app(config_); }
  // Once bootstrapped, the password is no longer needed.
  config_.admin_password.reset();
  EXPECT_NO_THROW(ControllerApp app(config_));
}

TEST_F(ControllerAppTest, DispatchesByPrefixWithEachApisErrorShape) {
  config_.admin_password = "pw";
  ControllerApp app(config_);
  app.network_router().add("GET", "/v2.0/things",
                           [](const http::Request&, const http::PathParams&) {
                             return http::Response::json(200, {{"things", Json::array()}});
                           });
  app.network_router().add("GET", "/v2.0/broken",
                           [](const http::Request&, const http::PathParams&) -> http::Response {
                             throw std::runtime_error("boom");
                           });

  EXPECT_EQ(app.handle(request("GET", "/v2.0/things")).status, 200);
  const auto missing = app.handle(request("GET", "/v2.0/nothing"));
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json(missing)["NeutronError"]["type"], "HTTPNotFound");
  EXPECT_EQ(json(missing)["NeutronError"]["message"], "The resource could not be found.");
  EXPECT_EQ(app.handle(request("DELETE", "/v2.0/things")).status, 405);
  const auto broken = app.handle(request("GET", "/v2.0/broken"));
  EXPECT_EQ(broken.status, 500);
  EXPECT_TRUE(json(broken).contains("NeutronError"));

  EXPECT_EQ(app.handle(request("GET", "/v3")).status, 200);
  const auto ks_missing = app.handle(request("GET", "/v3/nothing"));
  EXPECT_EQ(ks_missing.status, 404);
  EXPECT_EQ(json(ks_missing)["error"]["code"], 404);
  const auto ks_method = app.handle(request("DELETE", "/v3"));
  EXPECT_EQ(ks_method.status, 405);
  EXPECT_EQ(json(ks_method)["error"]["title"], "Method Not Allowed");
  EXPECT_EQ(app.handle(request("GET", "/v3/projects")).status, 401);
  // Not an identity path, despite the prefix.
  EXPECT_TRUE(json(app.handle(request("GET", "/v30"))).contains("NeutronError"));
}

TEST_F(ControllerAppTest, PublicBaseUrl) {
  config_.admin_password = "pw";
  config_.public_url = "https://cloud.example:9696";
  ControllerApp configured(config_);
  EXPECT_EQ(configured.public_base_url(request("GET", "/v3")), "https://cloud.example:9696");

  config_.public_url.clear();
  config_.listen_host = "0.0.0.0";
  ControllerApp wildcard(config_);
  auto r = request("GET", "/v3");
  r.headers["host"] = "10.1.2.3:9696";
  EXPECT_EQ(wildcard.public_base_url(r), "http://10.1.2.3:9696");
  r.headers["host"] = "evil\"host";
  EXPECT_EQ(wildcard.public_base_url(r), wildcard.bound_url());
}

TEST_F(ControllerAppTest, PublishesTheBoundUrlWhileServing) {
  config_.admin_password = "pw";
  ControllerApp app(config_);
  app.start();
  const std::string url = app.bound_url();
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  EXPECT_NE(url, "http://127.0.0.1:0");
  std::ifstream in(config_.url_file_path());
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), url);
  EXPECT_EQ(app.public_base_url(request("GET", "/v3")), url);
  app.stop();
  EXPECT_FALSE(std::filesystem::exists(config_.url_file_path()));
}

TEST_F(ControllerAppTest, ServesMetadataOnItsOwnListenerOnlyWithASecret) {
  config_.admin_password = "pw";
  {
    ControllerApp app(config_);
    app.start();
    EXPECT_EQ(app.metadata_url(), "");
    EXPECT_FALSE(std::filesystem::exists(config_.metadata_url_file_path()));
    // The instance API is there regardless: the compute driver registers instances first.
    EXPECT_EQ(app.handle(request("GET", "/v2.1/neutrino/instances")).status, 401);
  }
  config_.metadata_secret = "s";
  config_.metadata_listen_port = 0;
  ControllerApp app(config_);
  app.start();
  const std::string url = app.metadata_url();
  EXPECT_EQ(url.rfind("http://127.0.0.1:", 0), 0u) << url;
  EXPECT_NE(url, app.bound_url());
  std::ifstream in(config_.metadata_url_file_path());
  std::stringstream content;
  content << in.rdbuf();
  EXPECT_EQ(content.str(), url);
  // Guests' paths are not the network API's.
  EXPECT_EQ(app.handle(request("GET", "/latest/meta-data/")).status, 404);
  app.stop();
  EXPECT_FALSE(std::filesystem::exists(config_.metadata_url_file_path()));
}

TEST_F(ControllerAppTest, StoreOutOfSpaceIs503InEachApisShapeWithRetryAfter) {
  config_.admin_password = "pw";
  ControllerApp app(config_);
  const auto full = [](bool disk_full) {
    return [disk_full](const http::Request&, const http::PathParams&) -> http::Response {
      throw store::StoreUnavailable("database or disk is full", disk_full);
    };
  };
  app.network_router().add("POST", "/v2.0/full", full(true));
  app.identity_router().add("POST", "/v3/full", full(true));
  app.network_router().add("POST", "/v2.0/failing", full(false));
  const auto retry_after = [](const http::Response& r) {
    for (const auto& [name, value] : r.headers) {
      if (name == "Retry-After") {
        return value;
      }
    }
    return std::string();
  };

  const auto neutron = app.handle(request("POST", "/v2.0/full"));
  EXPECT_EQ(neutron.status, 503);
  EXPECT_EQ(retry_after(neutron), "10");
  EXPECT_EQ(json(neutron)["NeutronError"]["type"], "ServiceUnavailable");
  EXPECT_EQ(json(neutron)["NeutronError"]["message"],
            "The service is unavailable: the store is out of disk space. Reads still work; "
            "retry the write once space has been freed.");
  const auto keystone = app.handle(request("POST", "/v3/full"));
  EXPECT_EQ(keystone.status, 503);
  EXPECT_EQ(retry_after(keystone), "10");
  EXPECT_EQ(json(keystone)["error"]["code"], 503);
  EXPECT_EQ(json(keystone)["error"]["title"], "Service Unavailable");
  const auto failing = app.handle(request("POST", "/v2.0/failing"));
  EXPECT_EQ(failing.status, 503);
  EXPECT_NE(json(failing)["NeutronError"]["message"].get<std::string>().find("I/O error"),
            std::string::npos);
}

}  // namespace
}  // namespace neutrino::controller
