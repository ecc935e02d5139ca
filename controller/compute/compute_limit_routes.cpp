// GET /limits: Nova's absolute limits (the [quota] settings) and the project's usage, with
// the keys each microversion dropped (network quotas at 2.36, image metadata at 2.39,
// personality files at 2.57).
#include "controller/api/api_error.hpp"
#include "controller/compute/compute_api.hpp"
#include "controller/compute/compute_quota.hpp"
#include "controller/compute/server_group_store.hpp"

namespace neutrino::compute {

http::Response ComputeApi::show_limits(const Call& call) {
  std::string project = call.auth.project_id;
  for (const auto& [key, value] : call.request.query) {
    if (key == "tenant_id" && value != call.auth.project_id) {
      require_admin(call, "os_compute_api:limits:other_project");
      project = value;
    }
  }
  const auto& q = settings_.quotas;
  const ProjectUsage used =
      db_.read([&](store::SqlSession& s) { return project_usage(s, project); });
  const int64_t used_groups =
      db_.read([&](store::SqlSession& s) { return ServerGroupStore::count(s, project); });
  Json absolute = {{"maxTotalInstances", q.instances},
                   {"maxTotalCores", q.cores},
                   {"maxTotalRAMSize", q.ram},
                   {"maxTotalKeypairs", q.key_pairs},
                   {"maxServerMeta", q.metadata_items},
                   {"maxServerGroups", q.server_groups},
                   {"maxServerGroupMembers", q.server_group_members},
                   {"totalInstancesUsed", used.instances},
                   {"totalCoresUsed", used.cores},
                   {"totalRAMUsed", used.ram},
                   {"totalServerGroupsUsed", used_groups}};
  if (!call.at_least(2, 36)) {
    absolute["maxSecurityGroups"] = 10;
    absolute["maxSecurityGroupRules"] = 20;
    absolute["maxTotalFloatingIps"] = 10;
    absolute["totalFloatingIpsUsed"] = 0;
    absolute["totalSecurityGroupsUsed"] = 0;
  }
  if (!call.at_least(2, 39)) {
    absolute["maxImageMeta"] = q.metadata_items;
  }
  if (!call.at_least(2, 57)) {
    absolute["maxPersonality"] = 5;
    absolute["maxPersonalitySize"] = 10240;
  }
  return http::Response::json(200, {{"limits", {{"rate", Json::array()}, {"absolute", absolute}}}});
}

}  // namespace neutrino::compute
