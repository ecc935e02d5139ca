// Roles and their assignment to users on projects.
#include "controller/api/api_error.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/keystone_input.hpp"
#include "controller/identity/keystone_views.hpp"

namespace neutrino::identity {

http::Response KeystoneApi::list_roles(const Call& call) {
  Json items = Json::array();
  // All roles are global; a filter on a domain asks for domain-specific roles, of which there
  // are none.
  if (!input::query(call.request, "domain_id")) {
    for (const auto& role : roles_.list(input::query(call.request, "name"))) {
      items.push_back(view::role(role, call.base));
    }
  }
  return list_response(call, "roles", std::move(items));
}

http::Response KeystoneApi::create_role(const Call& call) {
  const Json body = input::resource_body(call.request, "role");
  if (input::optional_string(body, "domain_id")) {
    throw validation_error("domain-specific roles are not supported");
  }
  const Role role = roles_.create(input::required_name(body, "name"));
  return http::Response::json(201, {{"role", view::role(role, call.base)}});
}

http::Response KeystoneApi::get_role(const Call& call) {
  const std::string& id = call.param("role_id");
  const auto role = roles_.get(id);
  if (!role) {
    throw not_found_error("role", id);
  }
  return http::Response::json(200, {{"role", view::role(*role, call.base)}});
}

http::Response KeystoneApi::update_role(const Call& call) {
  const Json body = input::resource_body(call.request, "role");
  const std::string& id = call.param("role_id");
  if (!body.contains("name")) {
    const auto role = roles_.get(id);
    if (!role) {
      throw not_found_error("role", id);
    }
    return http::Response::json(200, {{"role", view::role(*role, call.base)}});
  }
  const Role role = roles_.rename(id, input::required_name(body, "name"));
  return http::Response::json(200, {{"role", view::role(role, call.base)}});
}

http::Response KeystoneApi::delete_role(const Call& call) {
  roles_.remove(call.param("role_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::grant_role(const Call& call) {
  assignments_.grant(call.param("project_id"), call.param("user_id"), call.param("role_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::check_role(const Call& call) {
  if (!assignments_.exists(call.param("project_id"), call.param("user_id"),
                           call.param("role_id"))) {
    throw not_found_error("role assignment", call.param("role_id"));
  }
  return http::Response::empty(204);
}

http::Response KeystoneApi::revoke_role(const Call& call) {
  assignments_.revoke(call.param("project_id"), call.param("user_id"), call.param("role_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::list_grants(const Call& call) {
  const std::string& project_id = call.param("project_id");
  const std::string& user_id = call.param("user_id");
  if (!projects_.get(project_id)) {
    throw not_found_error("project", project_id);
  }
  if (!users_.get(user_id)) {
    throw not_found_error("user", user_id);
  }
  Json items = Json::array();
  for (const auto& role : assignments_.roles_of(user_id, project_id)) {
    items.push_back(view::role(role, call.base));
  }
  return list_response(call, "roles", std::move(items));
}

http::Response KeystoneApi::list_role_assignments(const Call& call) {
  const auto& request = call.request;
  Json items = Json::array();
  // Groups, domain and system scopes do not exist here, so filtering on them matches nothing.
  if (input::has_query(request, "group.id") || input::has_query(request, "scope.domain.id") ||
      input::has_query(request, "scope.system")) {
    return list_response(call, "role_assignments", std::move(items));
  }
  AssignmentFilter filter;
  filter.user_id = input::query(request, "user.id");
  filter.project_id = input::query(request, "scope.project.id");
  filter.role_id = input::query(request, "role.id");
  const bool names = input::bool_query(request, "include_names").value_or(false);
  for (const auto& a : assignments_.list(filter)) {
    Json role = {{"id", a.role_id}};
    Json user = {{"id", a.user_id}};
    Json project = {{"id", a.project_id}};
    if (names) {
      const auto r = roles_.get(a.role_id);
      const auto u = users_.get(a.user_id);
      const auto p = projects_.get(a.project_id);
      role["name"] = r ? r->name : "";
      user["name"] = u ? u->name : "";
      user["domain"] = view::domain_ref(u ? u->domain_id : kDefaultDomainId);
      project["name"] = p ? p->name : "";
      project["domain"] = view::domain_ref(p ? p->domain_id : kDefaultDomainId);
    }
    items.push_back({{"role", role},
                     {"user", user},
                     {"scope", {{"project", project}}},
                     {"links",
                      {{"assignment", call.base + "/v3/projects/" + a.project_id + "/users/" +
                                          a.user_id + "/roles/" + a.role_id}}}});
  }
  return list_response(call, "role_assignments", std::move(items));
}

}  // namespace neutrino::identity
