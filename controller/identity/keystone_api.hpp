#pragma once
// The Keystone v3 subset the OpenStack clients use: version discovery, tokens, the catalog,
// projects, users, roles, role assignments and the one default domain. Handlers are members
// split across keystone_*_routes.cpp by resource; this file holds routing, authentication and
// the single place errors become Keystone-shaped responses.
#include <functional>
#include <optional>
#include <string>

#include "controller/http/router.hpp"
#include "controller/identity/assignment_store.hpp"
#include "controller/identity/group_store.hpp"
#include "controller/identity/password_authenticator.hpp"
#include "controller/identity/password_hasher.hpp"
#include "controller/identity/project_store.hpp"
#include "controller/identity/role_store.hpp"
#include "controller/identity/token_service.hpp"
#include "controller/identity/user_store.hpp"
#include "controller/store/database.hpp"

namespace neutrino::identity {

class KeystoneApi {
 public:
  // Returns the public base URL for a request, without a trailing slash.
  using BaseUrl = std::function<std::string(const http::Request&)>;

  // Password logins go through `passwords` (and its failed-login limits) only.
  KeystoneApi(store::Database& db, TokenService& tokens, const PasswordHasher& hasher,
              PasswordAuthenticator& passwords, BaseUrl base_url);

  // Registers every /v3 route. GET / is not one of them: Neutron answers it.
  void register_routes(http::Router& router);

 private:
  struct Call {
    const http::Request& request;
    const http::PathParams& params;
    const AuthContext* auth;  // null only on public routes
    std::string base;

    const std::string& param(const std::string& name) const { return params.at(name); }
  };
  enum class Access { kPublic, kAuthenticated, kAdmin };
  using Handler = http::Response (KeystoneApi::*)(const Call&);

  void add(http::Router& router, const std::string& method, const std::string& pattern,
           Access access, const std::string& rule, Handler handler);
  http::Response dispatch(const http::Request& request, const http::PathParams& params,
                          Access access, const std::string& rule, Handler handler);
  static bool is_self(const Call& call, const std::string& user_id);
  static void require_admin_or_self(const Call& call, const std::string& user_id,
                                    const std::string& rule);
  // "default" for absent ids and for either spelling of the default domain; 404 otherwise.
  static std::string domain_or_default(const std::optional<std::string>& id);
  http::Response list_response(const Call& call, const std::string& key, Json items) const;

  http::Response get_version(const Call& call);

  // keystone_token_routes.cpp
  http::Response create_token(const Call& call);
  http::Response check_token(const Call& call);
  http::Response revoke_token(const Call& call);
  http::Response get_catalog(const Call& call);
  http::Response list_auth_projects(const Call& call);
  std::string authenticate_password(const Json& identity, const std::string& source);
  std::optional<std::string> resolve_scope(const Json& auth, const User& user);
  TokenInfo subject_token(const Call& call, const std::string& rule);

  // keystone_project_routes.cpp (projects and domains)
  http::Response list_projects(const Call& call);
  http::Response create_project(const Call& call);
  http::Response get_project(const Call& call);
  http::Response update_project(const Call& call);
  http::Response delete_project(const Call& call);
  http::Response list_domains(const Call& call);
  http::Response get_domain(const Call& call);

  // keystone_user_routes.cpp
  http::Response list_users(const Call& call);
  http::Response create_user(const Call& call);
  http::Response get_user(const Call& call);
  http::Response update_user(const Call& call);
  http::Response delete_user(const Call& call);
  http::Response list_user_projects(const Call& call);
  http::Response change_password(const Call& call);

  // keystone_role_routes.cpp (roles and role assignments)
  http::Response list_roles(const Call& call);
  http::Response create_role(const Call& call);
  http::Response get_role(const Call& call);
  http::Response update_role(const Call& call);
  http::Response delete_role(const Call& call);
  http::Response grant_role(const Call& call);
  http::Response check_role(const Call& call);
  http::Response revoke_role(const Call& call);
  http::Response list_grants(const Call& call);
  http::Response list_role_assignments(const Call& call);

  // keystone_group_routes.cpp
  http::Response list_groups(const Call& call);
  http::Response create_group(const Call& call);
  http::Response get_group(const Call& call);
  http::Response update_group(const Call& call);
  http::Response delete_group(const Call& call);
  http::Response list_group_users(const Call& call);
  http::Response add_group_user(const Call& call);
  http::Response check_group_user(const Call& call);
  http::Response remove_group_user(const Call& call);
  http::Response list_user_groups(const Call& call);

  TokenService& tokens_;
  PasswordAuthenticator& passwords_;
  BaseUrl base_url_;
  ProjectStore projects_;
  UserStore users_;
  RoleStore roles_;
  AssignmentStore assignments_;
  GroupStore groups_;
};

}  // namespace neutrino::identity
