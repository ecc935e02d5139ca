#include "controller/neutron/policy.hpp"

#include "controller/api/api_error.hpp"

namespace neutrino::neutron {

void require_admin_for(const AuthContext& ctx, const std::string& action,
                       const std::string& attribute) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ":" + attribute + ") is disallowed by policy");
  }
}

std::string owning_project(const AuthContext& ctx, const Json& attributes) {
  std::string project = ctx.project_id;
  const auto project_id = attributes.find("project_id");
  const auto tenant_id = attributes.find("tenant_id");
  if (project_id != attributes.end() && tenant_id != attributes.end() &&
      *project_id != *tenant_id) {
    throw api::bad_request("'project_id' and 'tenant_id' do not match");
  }
  if (project_id != attributes.end()) {
    project = project_id->get<std::string>();
  } else if (tenant_id != attributes.end()) {
    project = tenant_id->get<std::string>();
  }
  // neutron-lib's _validate_privileges (Zed): a 400, before any policy check.
  if (project != ctx.project_id && !ctx.is_admin() && !ctx.has_role("advsvc")) {
    throw api::bad_request(
        "Specifying 'project_id' or 'tenant_id' other than the authenticated project in "
        "request requires admin or advsvc privileges");
  }
  if (project.empty()) {
    throw api::bad_request("Running without keystone AuthN requires that project_id is specified");
  }
  return project;
}

}  // namespace neutrino::neutron
