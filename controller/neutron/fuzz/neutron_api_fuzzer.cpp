// libFuzzer target for the Neutron API's request handling: POST and PUT bodies for networks,
// subnets, ports, security groups and their rules go through NeutronApi's routes (validation,
// policy, IPAM, the store) on a real SQLite store, as an admin, a member of the project owning
// the fixture resources, or a member of another project.
//
// An input is a request line and a body: "POST subnets member\n{...}". PUT targets the fixture
// resource of that collection. In the body, @network@, @subnet@, @port@, @security_group@,
// @rule@, @shared_network@ and @shared_subnet@ stand for the fixture resources' ids.
//
// Properties: every answer is a success with the resource, or one of Neutron's refusals
// (400/403/404/409) in Neutron's error body; nothing else escapes (the controller would answer
// 500); whatever a POST created can be deleted again (it is, so the store stays small).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>

#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/http/router.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "controller/store/sqlite_database.hpp"

namespace {

using namespace neutrino;

[[noreturn]] void fail(const std::string& why) {
  std::fprintf(stderr, "neutron_api_fuzzer: %s\n", why.c_str());
  std::abort();
}

// The seam the API authenticates through: three fixed tokens, one per caller.
class FuzzTokens : public identity::TokenValidator {
 public:
  FuzzTokens() {
    add("admin", "admin-project", {"admin", "member"});
    add("member", "member-project", {"member"});
    add("other", "other-project", {"member"});
  }
  std::optional<identity::AuthContext> validate(const std::string& token) override {
    const auto it = contexts_.find(token);
    return it == contexts_.end() ? std::nullopt : std::optional(it->second);
  }

 private:
  void add(const std::string& name, const std::string& project, std::vector<std::string> roles) {
    identity::AuthContext ctx;
    ctx.user_id = name + "-user";
    ctx.user_name = name;
    ctx.project_id = project;
    ctx.project_name = project;
    ctx.roles = std::move(roles);
    contexts_[name] = ctx;
  }
  std::map<std::string, identity::AuthContext> contexts_;
};

// A store, the API on it, and one resource of each kind owned by "member".
class Fixture {
 public:
  Fixture() {
    const std::filesystem::path shm("/dev/shm");
    dir_ = (std::filesystem::is_directory(shm) ? shm : std::filesystem::temp_directory_path()) /
           ("neutron-api-fuzzer-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<store::SqliteDatabase>((dir_ / "neutrino.db").string(),
                                                  store::SqliteOptions{"off", 5000});
    neutron::NetworkSettings settings;
    settings.vni_ranges = "1000:1999";
    settings.network_vlan_ranges = "physnet1:100:199";
    api_ = std::make_unique<neutron::NeutronApi>(
        *db_, tokens_, settings, [](const http::Request&) { return "http://fuzz"; });
    api_->register_routes(router_);

    ids_["@network@"] = create("networks", "member", R"({"network": {"name": "fixture"}})");
    ids_["@subnet@"] = create("subnets", "member",
                              R"({"subnet": {"network_id": "@network@", "ip_version": 4,
                                  "cidr": "10.0.0.0/24"}})");
    ids_["@port@"] = create("ports", "member",
                            R"({"port": {"network_id": "@network@", "fixed_ips":
                                [{"subnet_id": "@subnet@", "ip_address": "10.0.0.5"}]}})");
    ids_["@security_group@"] =
        create("security-groups", "member", R"({"security_group": {"name": "fixture"}})");
    ids_["@rule@"] = create("security-group-rules", "member",
                            R"({"security_group_rule": {"security_group_id": "@security_group@",
                                "direction": "ingress", "protocol": "tcp",
                                "port_range_min": 22, "port_range_max": 22}})");
    ids_["@shared_network@"] =
        create("networks", "admin", R"({"network": {"name": "shared", "shared": true}})");
    ids_["@shared_subnet@"] = create("subnets", "admin",
                                     R"({"subnet": {"network_id": "@shared_network@",
                                         "ip_version": 4, "cidr": "192.168.0.0/24"}})");
  }
  ~Fixture() {
    api_.reset();
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  http::Response call(const std::string& method, const std::string& path, const std::string& who,
                      const std::string& body) {
    http::Request request;
    request.method = method;
    request.target = path;
    request.path = path;
    request.headers["x-auth-token"] = who;
    request.headers["content-type"] = "application/json";
    request.body = substitute(body);
    const auto match = router_.match(method, path);
    if (match.handler == nullptr) {
      fail("no route for " + method + " " + path);
    }
    try {
      return (*match.handler)(request, match.params);
    } catch (const std::exception& e) {
      fail(method + " " + path + " as " + who + " threw (a 500): " + e.what());
    }
  }

  const std::string& id_of(const std::string& collection) const {
    static const std::map<std::string, std::string> placeholders = {
        {"networks", "@network@"},
        {"subnets", "@subnet@"},
        {"ports", "@port@"},
        {"security-groups", "@security_group@"},
        {"security-group-rules", "@rule@"}};
    return ids_.at(placeholders.at(collection));
  }

 private:
  std::string create(const std::string& collection, const std::string& who,
                     const std::string& body) {
    const auto response = call("POST", "/v2.0/" + collection, who, body);
    if (response.status != 201) {
      fail("fixture " + collection + ": " + response.body);
    }
    return Json::parse(response.body).begin()->at("id").get<std::string>();
  }

  std::string substitute(std::string body) const {
    for (const auto& [placeholder, id] : ids_) {
      for (size_t at = body.find(placeholder); at != std::string::npos;
           at = body.find(placeholder, at + id.size())) {
        body.replace(at, placeholder.size(), id);
      }
    }
    return body;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteDatabase> db_;
  FuzzTokens tokens_;
  std::unique_ptr<neutron::NeutronApi> api_;
  http::Router router_;
  std::map<std::string, std::string> ids_;
};

void check_refusal(const http::Response& response) {
  static const std::set<int> refusals = {400, 403, 404, 409};
  if (!refusals.contains(response.status)) {
    fail("status " + std::to_string(response.status) + ": " + response.body);
  }
  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || body.size() != 1 ||
      !body.contains("NeutronError") || !body["NeutronError"].is_object() ||
      !body["NeutronError"].value("message", Json()).is_string() ||
      !body["NeutronError"].value("type", Json()).is_string()) {
    fail("not a Neutron error body: " + response.body);
  }
}

// The ids a successful create returned, from {"network": {...}} or {"networks": [...]}.
std::vector<std::string> created_ids(const http::Response& response) {
  const Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded() || !body.is_object() || body.size() != 1) {
    fail("not a resource body: " + response.body);
  }
  const Json& value = body.begin().value();
  std::vector<std::string> ids;
  for (const Json& item : value.is_array() ? value : Json::array({value})) {
    if (!item.is_object() || !item.value("id", Json()).is_string()) {
      fail("a created resource without an id: " + response.body);
    }
    ids.push_back(item["id"].get<std::string>());
  }
  return ids;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  log::set_level(log::Level::kError);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static Fixture fixture;
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  if (newline == std::string::npos) {
    return 0;
  }
  // "POST subnets member"
  char method[8] = {};
  char collection[32] = {};
  char who[8] = {};
  if (std::sscanf(input.substr(0, newline).c_str(), "%7s %31s %7s", method, collection, who) != 3) {
    return 0;
  }
  static const std::set<std::string> collections = {"networks", "subnets", "ports",
                                                    "security-groups", "security-group-rules"};
  static const std::set<std::string> callers = {"admin", "member", "other"};
  const std::string verb = method;
  if ((verb != "POST" && verb != "PUT") || !collections.contains(collection) ||
      !callers.contains(who)) {
    return 0;
  }
  const std::string path =
      "/v2.0/" + std::string(collection) + (verb == "PUT" ? "/" + fixture.id_of(collection) : "");
  const auto response = fixture.call(verb, path, who, input.substr(newline + 1));
  if (response.status == 200 || response.status == 201) {
    const auto ids = created_ids(response);
    if (response.status == 201) {
      for (auto it = ids.rbegin(); it != ids.rend(); ++it) {
        const auto removed =
            fixture.call("DELETE", "/v2.0/" + std::string(collection) + "/" + *it, "admin", "");
        if (removed.status != 204) {
          fail("cannot delete what was just created: " + removed.body);
        }
      }
    }
    return 0;
  }
  check_refusal(response);
  return 0;
}
