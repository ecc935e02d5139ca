// GET /os-quota-sets/{tenant_id} (and /defaults, /detail): Nova's quota set of a project, which
// `openstack quota show` reads before Neutron's. The limits are the [quota] settings, the same
// for every project; the keys follow the microversion as /limits does.
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/compute_quota.hpp"
#include "controller/compute/keypair_store.hpp"
#include "controller/compute/server_group_store.hpp"

namespace neutrino::compute {
namespace {

// Quotas Nova still reports under older microversions with nothing behind them here, at
// Nova's defaults (-1 for fixed IPs, whose quota Nova never enforced by default).
void add_legacy_limits(Json& set, bool before_2_36, bool before_2_57) {
  if (before_2_36) {
    set["fixed_ips"] = -1;
    set["floating_ips"] = 10;
    set["security_groups"] = 10;
    set["security_group_rules"] = 20;
  }
  if (before_2_57) {
    set["injected_files"] = 5;
    set["injected_file_content_bytes"] = 10240;
    set["injected_file_path_bytes"] = 255;
  }
}

Json limits_of(const QuotaSettings& q) {
  return {{"instances", q.instances},
          {"cores", q.cores},
          {"ram", q.ram},
          {"key_pairs", q.key_pairs},
          {"metadata_items", q.metadata_items},
          {"server_groups", q.server_groups},
          {"server_group_members", q.server_group_members}};
}

}  // namespace

http::Response ComputeApi::show_quota_set(const Call& call) {
  const std::string& project = call.param("tenant_id");
  if (project != call.auth.project_id) {
    require_admin(call, "os_compute_api:os-quota-sets:show");
  }
  Json set = limits_of(settings_.quotas);
  add_legacy_limits(set, !call.at_least(2, 36), !call.at_least(2, 57));
  set["id"] = project;
  return http::Response::json(200, {{"quota_set", set}});
}

http::Response ComputeApi::show_quota_set_defaults(const Call& call) {
  Json set = limits_of(settings_.quotas);
  add_legacy_limits(set, !call.at_least(2, 36), !call.at_least(2, 57));
  set["id"] = call.param("tenant_id");
  return http::Response::json(200, {{"quota_set", set}});
}

http::Response ComputeApi::show_quota_set_detail(const Call& call) {
  const std::string& project = call.param("tenant_id");
  if (project != call.auth.project_id) {
    require_admin(call, "os_compute_api:os-quota-sets:detail");
  }
  const Json limits = limits_of(settings_.quotas);
  Json used = Json::object();
  db_.read([&](store::SqlSession& s) {
    const ProjectUsage usage = project_usage(s, project);
    used["instances"] = usage.instances;
    used["cores"] = usage.cores;
    used["ram"] = usage.ram;
    used["server_groups"] = ServerGroupStore::count(s, project);
    // Key pairs belong to users: Nova counts the caller's.
    used["key_pairs"] = static_cast<int64_t>(KeypairStore::list(s, call.auth.user_id).size());
  });
  Json set = Json::object();
  for (const auto& [key, limit] : limits.items()) {
    set[key] = {{"limit", limit}, {"in_use", used.value(key, 0)}, {"reserved", 0}};
  }
  set["id"] = project;
  return http::Response::json(200, {{"quota_set", set}});
}

}  // namespace neutrino::compute
