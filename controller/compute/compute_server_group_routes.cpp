// Server groups (Nova's os-server-groups): create, list, show, delete; the scheduler hint
// "group" of POST /servers puts servers in them (server_creation.cpp).
#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/nova_validation.hpp"
#include "controller/compute/server_group_store.hpp"

namespace neutrino::compute {
namespace {

Json group_view(const ServerGroup& g, const ApiVersion& version) {
  Json out = {{"id", g.id}, {"name", g.name}, {"members", g.members}};
  if (version >= ApiVersion{2, 64}) {
    out["policy"] = g.policy;
    out["rules"] = g.rules;
  } else {
    out["policies"] = Json::array({g.policy});
    out["metadata"] = Json::object();
  }
  if (version >= ApiVersion{2, 13}) {
    out["project_id"] = g.project_id;
    out["user_id"] = g.user_id;
  }
  return out;
}

std::vector<std::string> allowed_policies(const ApiVersion& version) {
  if (version >= ApiVersion{2, 15}) {
    return {"anti-affinity", "affinity", "soft-anti-affinity", "soft-affinity"};
  }
  return {"anti-affinity", "affinity"};
}

std::string checked_policy(const Json& value, const std::string& path, const ApiVersion& version) {
  const auto allowed = allowed_policies(version);
  if (value.is_string() &&
      std::find(allowed.begin(), allowed.end(), value.get<std::string>()) != allowed.end()) {
    return value;
  }
  std::string names;
  for (const auto& p : allowed) {
    names += (names.empty() ? "'" : ", '") + p + "'";
  }
  throw nova_invalid(path, value, value.dump() + " is not one of [" + names + "]");
}

// The body of POST /os-server-groups at `version`: policies=[one] before 2.64, policy and
// rules from 2.64 on.
ServerGroup parse_group(const Json& body, const ApiVersion& version) {
  check_known_keys(body, "", {"server_group"});
  const Json& group = required_object(body, "server_group");
  ServerGroup out;
  out.name = string_field(group, "server_group", "name", 1, 255);
  if (version >= ApiVersion{2, 64}) {
    check_known_keys(group, "server_group", {"name", "policy", "rules"});
    if (!group.contains("policy")) {
      throw nova_invalid("server_group", group, "'policy' is a required property");
    }
    out.policy = checked_policy(group["policy"], "server_group/policy", version);
    if (group.contains("rules")) {
      const Json& rules = group["rules"];
      if (!rules.is_object()) {
        throw nova_invalid("server_group/rules", rules, rules.dump() + " is not of type 'object'");
      }
      check_known_keys(rules, "server_group/rules", {"max_server_per_host"});
      if (rules.contains("max_server_per_host")) {
        if (out.policy != "anti-affinity") {
          throw api::bad_request(
              "Only anti-affinity policy supports \"max_server_per_host\" rule.");
        }
        out.rules["max_server_per_host"] =
            integer_field(rules, "server_group/rules", "max_server_per_host", 1, 1 << 30);
      }
    }
  } else {
    check_known_keys(group, "server_group", {"name", "policies"});
    const auto policies = group.find("policies");
    if (policies == group.end()) {
      throw nova_invalid("server_group", group, "'policies' is a required property");
    }
    if (!policies->is_array() || policies->size() != 1) {
      throw nova_invalid("server_group/policies", *policies,
                         policies->dump() + " is not valid under any of the given schemas");
    }
    out.policy = checked_policy((*policies)[0], "server_group/policies", version);
  }
  return out;
}

}  // namespace

ServerGroup ComputeApi::visible_group(store::SqlSession& s, const Call& call) const {
  const std::string& id = call.param("group_id");
  auto group = ServerGroupStore::find(s, id);
  if (!group || (group->project_id != call.auth.project_id && !call.auth.is_admin())) {
    throw api::not_found("Instance group " + id + " could not be found.");
  }
  return *group;
}

http::Response ComputeApi::list_server_groups(const Call& call) {
  std::optional<std::string> project = call.auth.project_id;
  size_t offset = 0;
  std::optional<size_t> limit;
  for (const auto& [key, value] : call.request.query) {
    if (key == "all_projects" && call.auth.is_admin() &&
        optional_boolean_field(Json{{"v", value}}, "v").value_or(false)) {
      project.reset();
    } else if (key == "offset") {
      offset =
          static_cast<size_t>(integer_field(Json{{"offset", value}}, "", "offset", 0, 1 << 30));
    } else if (key == "limit") {
      limit = static_cast<size_t>(integer_field(Json{{"limit", value}}, "", "limit", 0, 1 << 30));
    }
  }
  const auto groups =
      db_.read([&](store::SqlSession& s) { return ServerGroupStore::list(s, project); });
  Json list = Json::array();
  for (size_t i = offset; i < groups.size() && (!limit || list.size() < *limit); ++i) {
    list.push_back(group_view(groups[i], call.version));
  }
  return http::Response::json(200, {{"server_groups", list}});
}

http::Response ComputeApi::create_server_group(const Call& call) {
  ServerGroup group = parse_group(parse_nova_body(call.request.body), call.version);
  group.id = random::uuid4();
  group.project_id = call.auth.project_id;
  group.user_id = call.auth.user_id;
  group.created_at = clock::now_unix_seconds();
  db_.write([&](store::SqlSession& s) {
    const int64_t limit = settings_.quotas.server_groups;
    if (limit >= 0 && ServerGroupStore::count(s, group.project_id) >= limit) {
      throw api::forbidden("Quota exceeded, too many server groups.", "OverQuota");
    }
    ServerGroupStore::insert(s, group);
  });
  return http::Response::json(200, {{"server_group", group_view(group, call.version)}});
}

http::Response ComputeApi::show_server_group(const Call& call) {
  const ServerGroup group = db_.read([&](store::SqlSession& s) { return visible_group(s, call); });
  return http::Response::json(200, {{"server_group", group_view(group, call.version)}});
}

http::Response ComputeApi::delete_server_group(const Call& call) {
  db_.write([&](store::SqlSession& s) { ServerGroupStore::remove(s, visible_group(s, call).id); });
  return http::Response::empty(204);
}

}  // namespace neutrino::compute
