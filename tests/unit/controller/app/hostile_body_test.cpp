// Request bodies a hostile tenant sends to every JSON endpoint of the API listener: nesting far
// beyond any real client (the reported crash: a network name that is an array nested 100,000
// deep), and values so long that quoting them back would make a megabyte error message. Each
// is refused in the API's own error format and the app keeps serving.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "controller/app/controller_app.hpp"

namespace neutrino::controller {
namespace {

std::string nested_array(size_t depth, const std::string& inner = "\"x\"") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

class HostileBodyTest : public ::testing::Test {
 protected:
  HostileBodyTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "hostile-body-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    config_.data_dir = (dir_ / "data").string();
    config_.db_sync = "normal";
    config_.admin_password = "pw";
    app_ = std::make_unique<ControllerApp>(config_);
    const auto issued = call("POST", "/v3/auth/tokens",
                             R"({"auth": {"identity": {"methods": ["password"], "password": {
                                 "user": {"name": "admin", "domain": {"id": "default"},
                                          "password": "pw"}}},
                                 "scope": {"project": {"name": "admin",
                                                       "domain": {"id": "default"}}}}})");
    for (const auto& [name, value] : issued.headers) {
      if (name == "X-Subject-Token") {
        token_ = value;
      }
    }
    if (token_.empty()) {
      throw std::runtime_error("no token: " + issued.body);
    }
  }
  ~HostileBodyTest() override {
    app_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  http::Response call(const std::string& method, const std::string& path,
                      const std::string& body = "") {
    http::Request r;
    r.method = method;
    r.target = path;
    r.path = path;
    r.body = body;
    if (!token_.empty()) {
      r.headers["x-auth-token"] = token_;
    }
    return app_->handle(r);
  }

  static Json json(const http::Response& r) { return Json::parse(r.body); }

  std::string create_network() {
    const auto created = call("POST", "/v2.0/networks", R"({"network": {"name": "n"}})");
    EXPECT_EQ(created.status, 201) << created.body;
    return json(created)["network"]["id"];
  }

  std::filesystem::path dir_;
  ControllerConfig config_;
  std::unique_ptr<ControllerApp> app_;
  std::string token_;
};

TEST_F(HostileBodyTest, DeeplyNestedNetworkNameIsRefusedWithoutCrashing) {
  for (size_t depth : {size_t{100'000}, size_t{1'000'000}}) {
    const std::string body = R"({"network": {"name": )" + nested_array(depth) + "}}";
    const auto r = call("POST", "/v2.0/networks", body);
    EXPECT_EQ(r.status, 400) << depth;
    const Json error = json(r)["NeutronError"];
    EXPECT_EQ(error["type"], "HTTPBadRequest");
    EXPECT_EQ(error["message"], "Body contains invalid data");
    EXPECT_EQ(error["detail"], "JSON nested deeper than 32 levels");
  }
  EXPECT_EQ(call("GET", "/v2.0/networks").status, 200);
}

TEST_F(HostileBodyTest, EveryJsonEndpointRefusesDeepNesting) {
  const std::string id = create_network();
  const std::string deep = nested_array(100'000);
  const struct {
    const char* method;
    std::string path;
    std::string body;
  } cases[] = {
      {"PUT", "/v2.0/networks/" + id, R"({"network": {"name": )" + deep + "}}"},
      {"POST", "/v2.0/networks", R"({"networks": )" + deep + "}"},
      {"POST", "/v2.0/ports", R"({"port": {"binding:profile": {"a": )" + deep + "}}}"},
      {"PUT", "/v2.0/networks/" + id + "/tags", R"({"tags": )" + deep + "}"},
      {"POST", "/v2.1/neutrino/instances", R"({"instance": {"metadata": {"a": )" + deep + "}}}"},
      {"POST", "/v2.0/networks", deep},
  };
  for (const auto& c : cases) {
    const auto r = call(c.method, c.path, c.body);
    EXPECT_EQ(r.status, 400) << c.method << " " << c.path;
    EXPECT_EQ(json(r)["NeutronError"]["message"], "Body contains invalid data") << c.path;
  }
  for (const std::string path : {"/v3/projects", "/v3/users", "/v3/auth/tokens"}) {
    const auto r = call("POST", path, R"({"project": {"name": )" + deep + "}}");
    EXPECT_EQ(r.status, 400) << path;
    const Json error = json(r)["error"];
    EXPECT_EQ(error["code"], 400) << path;
    EXPECT_EQ(error["title"], "Bad Request") << path;
    EXPECT_EQ(error["message"].get<std::string>().rfind(
                  "Expecting to find valid JSON in request body.", 0),
              0u)
        << error;
  }
  EXPECT_EQ(call("GET", "/v2.0/networks/" + id).status, 200);
}

TEST_F(HostileBodyTest, ShallowNestingAClientMightSendIsAccepted) {
  // binding:profile is free-form: a little nesting is legitimate.
  const std::string profile = R"({"a": )" + nested_array(25) + "}";
  const std::string net = create_network();
  const auto port =
      call("POST", "/v2.0/ports",
           R"({"port": {"network_id": ")" + net + R"(", "binding:profile": )" + profile + "}}");
  EXPECT_EQ(port.status, 201) << port.body;
}

TEST_F(HostileBodyTest, ErrorMessagesQuoteOnlyAPrefixOfTheValue) {
  const std::string huge(200'000, 'a');
  const auto r = call("POST", "/v2.0/networks", R"({"network": {"name": ")" + huge + "\"}}");
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(json(r)["NeutronError"]["message"], "Invalid input for name. Reason: '" +
                                                    std::string(64, 'a') +
                                                    "...' exceeds maximum length of 255.");

  const auto nested = call("POST", "/v2.0/networks", R"({"network": {"name": [")" + huge + "\"]}}");
  ASSERT_EQ(nested.status, 400);
  EXPECT_EQ(json(nested)["NeutronError"]["message"], "Invalid input for name. Reason: '[\"" +
                                                         std::string(62, 'a') +
                                                         "...' is not a valid string.");

  const auto keys = call("POST", "/v2.0/networks", R"({"network": {")" + huge + R"(": 1}})");
  ASSERT_EQ(keys.status, 400);
  EXPECT_EQ(json(keys)["NeutronError"]["message"],
            "Unrecognized attribute(s) '" + std::string(64, 'a') + "...'");
  EXPECT_LT(keys.body.size(), 512u);
}

}  // namespace
}  // namespace neutrino::controller
