#include "controller/neutron/quota_service.hpp"

#include <charconv>
#include <limits>
#include <map>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/quota_resources.hpp"

namespace neutrino::neutron {
namespace {

constexpr int64_t kMaxLimit = std::numeric_limits<int32_t>::max();  // Neutron's DB_INTEGER_MAX

api::ApiError invalid(const std::string& attribute, const std::string& reason) {
  return api::bad_request("Invalid input for " + attribute + ". Reason: " + reason + ".");
}

// neutron-lib's convert_to_int then validate_range(-1, DB_INTEGER_MAX_VALUE).
int64_t parse_limit(const std::string& name, const Json& value) {
  std::optional<int64_t> number;
  if (value.is_number_integer()) {
    number = value.get<int64_t>();
  } else if (value.is_string()) {
    const std::string text = value.get<std::string>();
    int64_t parsed = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), parsed);
    if (error == std::errc() && end == text.data() + text.size() && !text.empty()) {
      number = parsed;
    }
  }
  const std::string shown = value.is_string() ? value.get<std::string>() : value.dump();
  if (!number) {
    throw invalid(name, "'" + shown + "' is not an integer");
  }
  if (*number < -1 || *number > kMaxLimit) {
    throw invalid(name, "'" + shown + "' is not in range -1 through " + std::to_string(kMaxLimit));
  }
  return *number;
}

bool parse_flag(const std::string& name, const Json& value) {
  if (value.is_boolean()) {
    return value.get<bool>();
  }
  if (value.is_string() &&
      (value == "true" || value == "True" || value == "false" || value == "False")) {
    return value == "true" || value == "True";
  }
  throw invalid(name, "'" + value.dump() + "' cannot be converted to boolean");
}

std::map<std::string, int64_t> own_limits(store::SqlSession& s, const std::string& project_id) {
  std::map<std::string, int64_t> out;
  for (const auto& row :
       s.query("SELECT resource, \"limit\" FROM quotas WHERE project_id = ?", {project_id})) {
    out[row.text(0)] = row.integer(1);
  }
  return out;
}

int64_t limit_of(store::SqlSession& s, const QuotaResource& resource,
                 const std::string& project_id) {
  const auto rows = s.query("SELECT \"limit\" FROM quotas WHERE project_id = ? AND resource = ?",
                            {project_id, resource.name});
  return rows.empty() ? resource.default_limit : rows[0].integer(0);
}

}  // namespace

Json QuotaService::defaults() {
  Json out = Json::object();
  for (const auto& r : quota_resources()) {
    out[r.name] = r.default_limit;
  }
  return out;
}

Json QuotaService::limits(store::SqlSession& s, const std::string& project_id) {
  Json out = defaults();
  for (const auto& [resource, limit] : own_limits(s, project_id)) {
    if (out.contains(resource)) {
      out[resource] = limit;
    }
  }
  return out;
}

Json QuotaService::details(store::SqlSession& s, const std::string& project_id) {
  const Json limit = limits(s, project_id);
  Json out = Json::object();
  for (const auto& r : quota_resources()) {
    out[r.name] = {
        {"limit", limit[r.name]}, {"used", quota_usage(s, r, project_id)}, {"reserved", 0}};
  }
  return out;
}

Json QuotaService::list_non_default(store::SqlSession& s) {
  Json out = Json::array();
  for (const auto& row : s.query("SELECT DISTINCT project_id FROM quotas ORDER BY project_id")) {
    Json entry = limits(s, row.text(0));
    entry["project_id"] = row.text(0);
    entry["tenant_id"] = row.text(0);
    out.push_back(std::move(entry));
  }
  return out;
}

Json QuotaService::update(store::SqlSession& s, const std::string& project_id, const Json& quota) {
  if (!quota.is_object()) {
    throw api::bad_request("Unable to find 'quota' in request body");
  }
  bool check_limit = false;
  std::map<std::string, int64_t> wanted;
  std::string unknown;
  for (const auto& [key, value] : quota.items()) {
    if (key == "check_limit") {
      check_limit = parse_flag(key, value);
    } else if (key == "force") {
      parse_flag(key, value);  // skipping the check is what happens without check_limit
    } else if (key == "project_id" || key == "tenant_id") {
      // Clients (openstacksdk) may echo the project the URL already names.
    } else if (!find_quota_resource(key)) {
      unknown += (unknown.empty() ? "'" : ", '") + key + "'";
    } else {
      wanted[key] = parse_limit(key, value);
    }
  }
  if (!unknown.empty()) {
    throw api::bad_request("Unrecognized attribute(s) " + unknown);
  }
  for (const auto& [name, limit] : wanted) {
    const QuotaResource& resource = *find_quota_resource(name);
    if (check_limit && limit >= 0) {
      const int64_t used = quota_usage(s, resource, project_id);
      if (used > limit) {
        throw api::bad_request("Quota limit " + std::to_string(limit) + " for " + name +
                               " must be greater than or equal to already used " +
                               std::to_string(used));
      }
    }
    if (s.execute("UPDATE quotas SET \"limit\" = ? WHERE project_id = ? AND resource = ?",
                  {limit, project_id, name}) == 0) {
      s.execute("INSERT INTO quotas (id, project_id, resource, \"limit\") VALUES (?, ?, ?, ?)",
                {random::uuid4(), project_id, name, limit});
    }
  }
  return limits(s, project_id);
}

void QuotaService::reset(store::SqlSession& s, const std::string& project_id) {
  if (s.execute("DELETE FROM quotas WHERE project_id = ?", {project_id}) == 0) {
    throw api::not_found("Quota for project " + project_id + " could not be found.",
                         "ProjectQuotaNotFound");
  }
}

void QuotaService::enforce(store::SqlSession& s, const std::string& resource_name,
                           const std::string& project_id, int64_t delta) {
  const QuotaResource* resource = find_quota_resource(resource_name);
  if (resource == nullptr) {
    return;
  }
  const int64_t limit = limit_of(s, *resource, project_id);
  if (limit < 0) {
    return;
  }
  s.execute("INSERT INTO quota_locks (project_id, resource) VALUES (?, ?) ON CONFLICT DO NOTHING",
            {project_id, resource_name});
  s.execute("UPDATE quota_locks SET resource = resource WHERE project_id = ? AND resource = ?",
            {project_id, resource_name});
  if (quota_usage(s, *resource, project_id) + delta > limit) {
    throw api::conflict("OverQuota", "Quota exceeded for resources: ['" + resource_name + "'].");
  }
}

void QuotaService::enforce_create(store::SqlSession& s, const std::string& resource,
                                  const std::string& project_id) {
  enforce(s, resource, project_id);
  if (resource == "security_group") {
    enforce(s, "security_group_rule", project_id, 2);
  }
}

void QuotaService::authorize_read(const AuthContext& ctx, const std::string& project_id) {
  if (project_id != ctx.project_id && !ctx.is_admin()) {
    throw api::forbidden("(rule:get_quota) is disallowed by policy");
  }
}

void QuotaService::authorize_write(const AuthContext& ctx, const std::string& action) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

}  // namespace neutrino::neutron
