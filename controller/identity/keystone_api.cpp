#include "controller/identity/keystone_api.hpp"

#include "common/log.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_views.hpp"
#include "controller/identity/too_many_attempts.hpp"

namespace neutrino::identity {

KeystoneApi::KeystoneApi(store::Database& db, TokenService& tokens, const PasswordHasher& hasher,
                         PasswordAuthenticator& passwords, BaseUrl base_url)
    : tokens_(tokens),
      passwords_(passwords),
      base_url_(std::move(base_url)),
      projects_(db),
      users_(db, hasher),
      roles_(db),
      assignments_(db),
      groups_(db) {}

void KeystoneApi::register_routes(http::Router& router) {
  using A = Access;
  // "/v3" and "/v3/" are the same route: the router ignores empty segments.
  add(router, "GET", "/v3", A::kPublic, "", &KeystoneApi::get_version);

  add(router, "POST", "/v3/auth/tokens", A::kPublic, "", &KeystoneApi::create_token);
  add(router, "GET", "/v3/auth/tokens", A::kAuthenticated, "identity:validate_token",
      &KeystoneApi::check_token);
  add(router, "DELETE", "/v3/auth/tokens", A::kAuthenticated, "identity:revoke_token",
      &KeystoneApi::revoke_token);
  add(router, "GET", "/v3/auth/catalog", A::kAuthenticated, "", &KeystoneApi::get_catalog);
  add(router, "GET", "/v3/auth/projects", A::kAuthenticated, "", &KeystoneApi::list_auth_projects);

  add(router, "GET", "/v3/projects", A::kAdmin, "identity:list_projects",
      &KeystoneApi::list_projects);
  add(router, "POST", "/v3/projects", A::kAdmin, "identity:create_project",
      &KeystoneApi::create_project);
  add(router, "GET", "/v3/projects/{project_id}", A::kAuthenticated, "identity:get_project",
      &KeystoneApi::get_project);
  add(router, "PATCH", "/v3/projects/{project_id}", A::kAdmin, "identity:update_project",
      &KeystoneApi::update_project);
  add(router, "DELETE", "/v3/projects/{project_id}", A::kAdmin, "identity:delete_project",
      &KeystoneApi::delete_project);
  add(router, "GET", "/v3/domains", A::kAuthenticated, "", &KeystoneApi::list_domains);
  add(router, "GET", "/v3/domains/{domain_id}", A::kAuthenticated, "", &KeystoneApi::get_domain);

  add(router, "GET", "/v3/users", A::kAdmin, "identity:list_users", &KeystoneApi::list_users);
  add(router, "POST", "/v3/users", A::kAdmin, "identity:create_user", &KeystoneApi::create_user);
  add(router, "GET", "/v3/users/{user_id}", A::kAuthenticated, "identity:get_user",
      &KeystoneApi::get_user);
  add(router, "PATCH", "/v3/users/{user_id}", A::kAdmin, "identity:update_user",
      &KeystoneApi::update_user);
  add(router, "DELETE", "/v3/users/{user_id}", A::kAdmin, "identity:delete_user",
      &KeystoneApi::delete_user);
  add(router, "GET", "/v3/users/{user_id}/projects", A::kAuthenticated,
      "identity:list_user_projects", &KeystoneApi::list_user_projects);
  add(router, "POST", "/v3/users/{user_id}/password", A::kAuthenticated, "identity:change_password",
      &KeystoneApi::change_password);

  add(router, "GET", "/v3/roles", A::kAdmin, "identity:list_roles", &KeystoneApi::list_roles);
  add(router, "POST", "/v3/roles", A::kAdmin, "identity:create_role", &KeystoneApi::create_role);
  add(router, "GET", "/v3/roles/{role_id}", A::kAdmin, "identity:get_role", &KeystoneApi::get_role);
  add(router, "PATCH", "/v3/roles/{role_id}", A::kAdmin, "identity:update_role",
      &KeystoneApi::update_role);
  add(router, "DELETE", "/v3/roles/{role_id}", A::kAdmin, "identity:delete_role",
      &KeystoneApi::delete_role);
  const std::string grant = "/v3/projects/{project_id}/users/{user_id}/roles/{role_id}";
  add(router, "PUT", grant, A::kAdmin, "identity:create_grant", &KeystoneApi::grant_role);
  add(router, "GET", grant, A::kAdmin, "identity:check_grant", &KeystoneApi::check_role);
  add(router, "DELETE", grant, A::kAdmin, "identity:revoke_grant", &KeystoneApi::revoke_role);
  add(router, "GET", "/v3/projects/{project_id}/users/{user_id}/roles", A::kAdmin,
      "identity:list_grants", &KeystoneApi::list_grants);
  add(router, "GET", "/v3/role_assignments", A::kAdmin, "identity:list_role_assignments",
      &KeystoneApi::list_role_assignments);

  add(router, "GET", "/v3/groups", A::kAdmin, "identity:list_groups", &KeystoneApi::list_groups);
  add(router, "POST", "/v3/groups", A::kAdmin, "identity:create_group", &KeystoneApi::create_group);
  add(router, "GET", "/v3/groups/{group_id}", A::kAdmin, "identity:get_group",
      &KeystoneApi::get_group);
  add(router, "PATCH", "/v3/groups/{group_id}", A::kAdmin, "identity:update_group",
      &KeystoneApi::update_group);
  add(router, "DELETE", "/v3/groups/{group_id}", A::kAdmin, "identity:delete_group",
      &KeystoneApi::delete_group);
  add(router, "GET", "/v3/groups/{group_id}/users", A::kAdmin, "identity:list_users_in_group",
      &KeystoneApi::list_group_users);
  const std::string member = "/v3/groups/{group_id}/users/{user_id}";
  add(router, "PUT", member, A::kAdmin, "identity:add_user_to_group", &KeystoneApi::add_group_user);
  add(router, "GET", member, A::kAdmin, "identity:check_user_in_group",
      &KeystoneApi::check_group_user);
  add(router, "DELETE", member, A::kAdmin, "identity:remove_user_from_group",
      &KeystoneApi::remove_group_user);
  add(router, "GET", "/v3/users/{user_id}/groups", A::kAuthenticated,
      "identity:list_groups_for_user", &KeystoneApi::list_user_groups);
}

void KeystoneApi::add(http::Router& router, const std::string& method, const std::string& pattern,
                      Access access, const std::string& rule, Handler handler) {
  router.add(
      method, pattern,
      [this, access, rule, handler](const http::Request& request, const http::PathParams& params) {
        return dispatch(request, params, access, rule, handler);
      });
}

http::Response KeystoneApi::dispatch(const http::Request& request, const http::PathParams& params,
                                     Access access, const std::string& rule, Handler handler) {
  const std::string base = base_url_(request);
  try {
    std::optional<AuthContext> auth;
    if (access != Access::kPublic) {
      const auto token = request.header("x-auth-token");
      if (token) {
        auth = tokens_.validate(*token);
      }
      if (!auth) {
        throw api::unauthorized();
      }
      if (access == Access::kAdmin && !auth->is_admin()) {
        throw policy_error(rule);
      }
    }
    const Call call{request, params, auth ? &*auth : nullptr, base};
    return (this->*handler)(call);
  } catch (const TooManyAttempts& error) {
    return api::keystone_error_response(error).with_header("Retry-After",
                                                           std::to_string(error.retry_after()));
  } catch (const api::ApiError& error) {
    auto response = api::keystone_error_response(error);
    if (error.status() == 401) {
      // Tells clients where to authenticate, as Keystone does.
      response.with_header("WWW-Authenticate", "Keystone uri=\"" + base + "/v3\"");
    }
    return response;
  } catch (const Json::exception& error) {
    log::debug("malformed identity request ", request.method, " ", request.path, ": ",
               error.what());
    return api::keystone_error_response(validation_error(error.what()));
  }
}

bool KeystoneApi::is_self(const Call& call, const std::string& user_id) {
  return call.auth != nullptr && call.auth->user_id == user_id;
}

void KeystoneApi::require_admin_or_self(const Call& call, const std::string& user_id,
                                        const std::string& rule) {
  if (!call.auth->is_admin() && !is_self(call, user_id)) {
    throw policy_error(rule);
  }
}

std::string KeystoneApi::domain_or_default(const std::optional<std::string>& id) {
  if (!id || is_default_domain(*id)) {
    return kDefaultDomainId;
  }
  throw not_found_error("domain", *id);
}

http::Response KeystoneApi::list_response(const Call& call, const std::string& key,
                                          Json items) const {
  return http::Response::json(
      200,
      {{key, std::move(items)}, {"links", view::collection_links(call.base, call.request.target)}});
}

http::Response KeystoneApi::get_version(const Call& call) {
  return http::Response::json(200, view::version(call.base));
}

}  // namespace neutrino::identity
