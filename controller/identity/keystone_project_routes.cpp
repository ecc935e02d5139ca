// Projects and the single default domain.
#include "controller/api/api_error.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/keystone_input.hpp"
#include "controller/identity/keystone_views.hpp"

namespace neutrino::identity {

http::Response KeystoneApi::list_projects(const Call& call) {
  ProjectFilter filter;
  filter.name = input::query(call.request, "name");
  filter.domain_id = input::query(call.request, "domain_id");
  filter.enabled = input::bool_query(call.request, "enabled");
  if (filter.domain_id && is_default_domain(*filter.domain_id)) {
    filter.domain_id = kDefaultDomainId;
  }
  Json items = Json::array();
  for (const auto& project : projects_.list(filter)) {
    items.push_back(view::project(project, call.base));
  }
  return list_response(call, "projects", std::move(items));
}

http::Response KeystoneApi::create_project(const Call& call) {
  const Json body = input::resource_body(call.request, "project");
  const std::string name = input::required_name(body, "name", 64);
  const std::string domain_id = domain_or_default(input::optional_string(body, "domain_id"));
  if (input::optional_bool(body, "is_domain").value_or(false)) {
    throw validation_error("projects acting as domains are not supported");
  }
  if (const auto parent = input::optional_string(body, "parent_id");
      parent && !is_default_domain(*parent)) {
    throw validation_error("nested projects are not supported");
  }
  const Project project =
      projects_.create(name, domain_id, input::optional_string(body, "description").value_or(""),
                       input::optional_bool(body, "enabled").value_or(true));
  return http::Response::json(201, {{"project", view::project(project, call.base)}});
}

http::Response KeystoneApi::get_project(const Call& call) {
  const std::string& id = call.param("project_id");
  // Policy first, as Keystone: a non-admin learns nothing about projects that are not theirs,
  // not even whether they exist.
  if (!call.auth->is_admin() && call.auth->project_id != id) {
    throw policy_error("identity:get_project");
  }
  const auto project = projects_.get(id);
  if (!project) {
    throw not_found_error("project", id);
  }
  return http::Response::json(200, {{"project", view::project(*project, call.base)}});
}

http::Response KeystoneApi::update_project(const Call& call) {
  const Json body = input::resource_body(call.request, "project");
  ProjectChanges changes;
  if (body.contains("name")) {
    changes.name = input::required_name(body, "name", 64);
  }
  changes.description = input::optional_string(body, "description");
  changes.enabled = input::optional_bool(body, "enabled");
  if (const auto domain = input::optional_string(body, "domain_id");
      domain && !is_default_domain(*domain)) {
    throw validation_error("a project cannot move to another domain");
  }
  const Project project = projects_.update(call.param("project_id"), changes);
  return http::Response::json(200, {{"project", view::project(project, call.base)}});
}

http::Response KeystoneApi::delete_project(const Call& call) {
  projects_.remove(call.param("project_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::list_domains(const Call& call) {
  Json items = Json::array();
  const auto name = input::query(call.request, "name");
  const auto enabled = input::bool_query(call.request, "enabled");
  if ((!name || is_default_domain(*name)) && enabled.value_or(true)) {
    items.push_back(view::domain(call.base));
  }
  return list_response(call, "domains", std::move(items));
}

http::Response KeystoneApi::get_domain(const Call& call) {
  const std::string& id = call.param("domain_id");
  if (!is_default_domain(id)) {
    throw not_found_error("domain", id);
  }
  return http::Response::json(200, {{"domain", view::domain(call.base)}});
}

}  // namespace neutrino::identity
