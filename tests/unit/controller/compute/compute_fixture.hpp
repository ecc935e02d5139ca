#pragma once
// A controller (not listening: requests go straight to ControllerApp::handle) with a fresh
// store, an admin token and a member token, and helpers to call its APIs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <string>

#include "common/json.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/app/controller_app.hpp"
#include "controller/compute/compute_hosts.hpp"

namespace neutrino::compute::testing {

struct Reply {
  int status = 0;
  Json body;
  std::map<std::string, std::string> headers;
};

class ComputeFixture : public ::testing::Test {
 protected:
  ComputeFixture() {
    std::string pattern = (std::filesystem::temp_directory_path() / "compute-api-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    controller::ControllerConfig config;
    config.data_dir = (dir_ / "data").string();
    config.listen_port = 0;
    config.db_sync = "normal";
    config.admin_password = "pw";
    config.api_workers = 1;
    config.log_level = "error";
    app_ = std::make_unique<controller::ControllerApp>(config);
    admin_ = token("admin", "pw", "admin");
    const Json project = call("POST", "/v3/projects",
                              {{"project", {{"name", "demo"}, {"domain_id", "default"}}}}, admin_)
                             .body;
    project_id_ = project["project"]["id"];
    const Json user = call("POST", "/v3/users",
                           {{"user",
                             {{"name", "alice"},
                              {"password", "alice-pw"},
                              {"domain_id", "default"},
                              {"default_project_id", project_id_}}}},
                           admin_)
                          .body;
    std::string member_role;
    const Reply roles = call("GET", "/v3/roles", nullptr, admin_);  // kept: the loop reads it
    for (const auto& role : roles.body["roles"]) {
      if (role["name"] == "member") {
        member_role = role["id"];
      }
    }
    call("PUT",
         "/v3/projects/" + project_id_ + "/users/" + user["user"]["id"].get<std::string>() +
             "/roles/" + member_role,
         nullptr, admin_);
    member_ = token("alice", "alice-pw", "demo");
  }
  ~ComputeFixture() override {
    app_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  Reply call(const std::string& method, const std::string& target, const Json& body,
             const std::string& token, std::map<std::string, std::string> headers = {}) {
    http::Request r;
    r.method = method;
    r.target = target;
    const size_t q = target.find('?');
    r.path = target.substr(0, q);
    if (q != std::string::npos) {
      r.query = http::parse_query(target.substr(q + 1));
    }
    if (!body.is_null()) {
      r.body = body.is_string() ? body.get<std::string>() : body.dump();
    }
    if (!token.empty()) {
      r.headers["x-auth-token"] = token;
    }
    for (auto& [k, v] : headers) {
      r.headers[k] = v;
    }
    const http::Response response = app_->handle(r);
    Reply reply{response.status, Json(), {}};
    for (const auto& [k, v] : response.headers) {
      reply.headers[k] = v;
    }
    if (!response.body.empty()) {
      reply.body = Json::parse(response.body, nullptr, false);
    }
    return reply;
  }

  Reply nova(const std::string& method, const std::string& path, const Json& body = nullptr,
             const std::string& version = "", bool as_admin = true) {
    std::map<std::string, std::string> headers;
    if (!version.empty()) {
      headers["openstack-api-version"] = "compute " + version;
    }
    return call(method, "/compute/v2.1" + path, body, as_admin ? admin_ : member_, headers);
  }

  // An agent host that said it runs guests, alive now.
  void add_compute_host(const std::string& host, int vcpus, int memory_mb, int disk_gb,
                        const std::string& zone = "nova") {
    app_->database().write([&](store::SqlSession& s) {
      agents::AgentReport report;
      report.host = host;
      report.configurations = {{"tunneling_ip", "192.0.2.10"}};
      agents::AgentService().report(s, report, true);
      ComputeHosts::register_host(s, host,
                                  {{"vcpus", vcpus},
                                   {"memory_mb", memory_mb},
                                   {"disk_gb", disk_gb},
                                   {"hypervisor_type", "QEMU"},
                                   {"hypervisor_version", 7002000},
                                   {"availability_zone", zone},
                                   {"virt_type", "qemu"}},
                                  "192.0.2.10", "nova");
    });
  }

  int64_t count(const std::string& sql) {
    return app_->database().read([&](store::SqlSession& s) { return s.query(sql)[0].integer(0); });
  }

 private:
  std::string token(const std::string& user, const std::string& password,
                    const std::string& project) {
    const Json auth = {
        {"auth",
         {{"identity",
           {{"methods", {"password"}},
            {"password",
             {{"user",
               {{"name", user}, {"domain", {{"id", "default"}}}, {"password", password}}}}}}},
          {"scope", {{"project", {{"name", project}, {"domain", {{"id", "default"}}}}}}}}}};
    http::Request r;
    r.method = "POST";
    r.target = r.path = "/v3/auth/tokens";
    r.body = auth.dump();
    const http::Response response = app_->handle(r);
    for (const auto& [k, v] : response.headers) {
      if (k == "X-Subject-Token") {
        return v;
      }
    }
    throw std::runtime_error("no token: " + response.body);
  }

 protected:
  std::filesystem::path dir_;
  std::unique_ptr<controller::ControllerApp> app_;
  std::string admin_;
  std::string member_;
  std::string project_id_;
};

}  // namespace neutrino::compute::testing
