#include "controller/neutron/quota_resources.hpp"

namespace neutrino::neutron {

const std::vector<QuotaResource>& quota_resources() {
  static const std::vector<QuotaResource> resources = {
      {"network", 100, "networks"},
      {"subnet", 100, "subnets"},
      {"subnetpool", -1, "subnetpools"},
      {"port", 500, "ports"},
      {"router", 10, "routers"},
      {"floatingip", 50, "floatingips"},
      {"rbac_policy", 10, "rbac_policies"},
      {"security_group", 10, "securitygroups"},
      {"security_group_rule", 100, "securitygrouprules"},
  };
  return resources;
}

const QuotaResource* find_quota_resource(const std::string& name) {
  for (const auto& r : quota_resources()) {
    if (r.name == name) {
      return &r;
    }
  }
  return nullptr;
}

int64_t quota_usage(store::SqlSession& s, const QuotaResource& resource,
                    const std::string& project_id) {
  if (resource.table.empty()) {
    return 0;
  }
  // The table name comes from the list above, never from a request.
  return s
      .query("SELECT COUNT(*) FROM " + resource.table + " WHERE project_id = ?", {project_id})[0]
      .integer(0);
}

}  // namespace neutrino::neutron
