#pragma once
// Drives KeystoneApi through a Router, as the server would, against a temporary store holding
// the bootstrap admin. Time is a fake clock; password checks are counted.
#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "common/json.hpp"
#include "controller/http/router.hpp"
#include "controller/identity/bootstrap.hpp"
#include "controller/identity/keystone_api.hpp"
#include "tests/unit/common/fake_time_source.hpp"
#include "tests/unit/controller/identity/counting_verifier.hpp"
#include "tests/unit/controller/identity/temp_store.hpp"

namespace neutrino::identity::testing {

inline const std::string kBase = "http://ks.test:9696";

class KeystoneApiTest : public ::testing::Test {
 protected:
  KeystoneApiTest() {
    bootstrap(store_.db(), hasher_, "adminpw");
    configure(LockoutPolicy{});
  }

  // Rebuilds the API with other failed-login limits (or, on the same store, as a restarted
  // controller would start).
  void configure(const LockoutPolicy& policy) {
    passwords_ = std::make_unique<PasswordAuthenticator>(store_.db(), verifier_, time_, policy);
    api_ = std::make_unique<KeystoneApi>(store_.db(), tokens_, hasher_, *passwords_,
                                         [](const http::Request&) { return kBase; });
    router_ = http::Router();
    api_->register_routes(router_);
  }

  http::Response call(const std::string& method, const std::string& target,
                      const Json& body = nullptr, const std::string& token = "",
                      const std::map<std::string, std::string>& headers = {}) {
    http::Request request;
    request.method = method;
    request.target = target;
    const auto q = target.find('?');
    request.path = http::percent_decode(target.substr(0, q));
    if (q != std::string::npos) {
      request.query = http::parse_query(target.substr(q + 1));
    }
    if (!body.is_null()) {
      request.body = body.dump();
    }
    if (!token.empty()) {
      request.headers["x-auth-token"] = token;
    }
    request.remote_address = source_;
    for (const auto& [k, v] : headers) {
      request.headers[k] = v;
    }
    const auto match = router_.match(method, request.path);
    if (match.handler == nullptr) {
      return http::Response::empty(match.path_known ? 405 : 404);
    }
    return (*match.handler)(request, match.params);
  }

  static Json json(const http::Response& r) { return Json::parse(r.body); }

  static std::string header(const http::Response& r, const std::string& name) {
    for (const auto& [k, v] : r.headers) {
      if (k == name) {
        return v;
      }
    }
    return "";
  }

  static Json password_auth(const std::string& user, const std::string& password,
                            const std::string& project = "") {
    Json auth = {
        {"identity",
         {{"methods", {"password"}},
          {"password",
           {{"user",
             {{"name", user}, {"domain", {{"name", "Default"}}}, {"password", password}}}}}}}};
    if (!project.empty()) {
      auth["scope"] = {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}};
    }
    return {{"auth", auth}};
  }

  // A token for user on project, or "" when refused.
  std::string token_for(const std::string& user, const std::string& password,
                        const std::string& project = "") {
    const auto r = call("POST", "/v3/auth/tokens", password_auth(user, password, project));
    return r.status == 201 ? header(r, "X-Subject-Token") : "";
  }

  std::string admin_token() { return token_for("admin", "adminpw", "admin"); }

  TempStore store_;
  PasswordHasher hasher_{ScryptCost{4, 8, 1}};
  CountingVerifier verifier_{hasher_};
  neutrino::testing::FakeTimeSource time_;
  TokenService tokens_{store_.db(),
                       TokenOptions{3600, [this] { return time_.now_unix_seconds(); }}};
  std::string source_ = "192.0.2.10";  // the client address of every call
  std::unique_ptr<PasswordAuthenticator> passwords_;
  std::unique_ptr<KeystoneApi> api_;
  http::Router router_;
};

}  // namespace neutrino::identity::testing
