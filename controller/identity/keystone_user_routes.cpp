// Users, their projects and self-service password changes.
#include "controller/api/api_error.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/keystone_input.hpp"
#include "controller/identity/keystone_views.hpp"

namespace neutrino::identity {
namespace {

// Distinguishes an absent member (no change) from an explicit null (clear it).
std::optional<std::optional<std::string>> nullable_string(const Json& body,
                                                          const std::string& key) {
  if (!body.contains(key)) {
    return std::nullopt;
  }
  return input::optional_string(body, key);
}

// The user options Neutrino keeps: Keystone's ignore_lockout_failure_attempts (null unsets
// it). lock_password false (or null) is Keystone's default and needs nothing kept; Horizon's
// user forms always send it. Any other option is refused rather than stored without effect.
std::optional<bool> ignore_lockout_option(const Json& body) {
  const Json* options = input::optional_object(body, "options");
  if (options == nullptr) {
    return std::nullopt;
  }
  std::optional<bool> ignore;
  for (const auto& [name, value] : options->items()) {
    if (name == "lock_password" &&
        (value.is_null() || !input::optional_bool(*options, name).value_or(false))) {
      continue;
    }
    if (name != "ignore_lockout_failure_attempts") {
      throw validation_error(
          "Neutrino supports only the user option "
          "'ignore_lockout_failure_attempts', not '" +
          name.substr(0, 64) + "'");
    }
    ignore = value.is_null() ? false : input::optional_bool(*options, name).value_or(false);
  }
  return ignore;
}

}  // namespace

http::Response KeystoneApi::list_users(const Call& call) {
  UserFilter filter;
  filter.name = input::query(call.request, "name");
  filter.domain_id = input::query(call.request, "domain_id");
  filter.enabled = input::bool_query(call.request, "enabled");
  if (filter.domain_id && is_default_domain(*filter.domain_id)) {
    filter.domain_id = kDefaultDomainId;
  }
  Json items = Json::array();
  for (const auto& user : users_.list(filter)) {
    items.push_back(view::user(user, call.base));
  }
  return list_response(call, "users", std::move(items));
}

http::Response KeystoneApi::create_user(const Call& call) {
  const Json body = input::resource_body(call.request, "user");
  NewUser user;
  user.name = input::required_name(body, "name");
  user.domain_id = domain_or_default(input::optional_string(body, "domain_id"));
  user.password = input::optional_string(body, "password");
  user.email = input::optional_string(body, "email");
  user.description = input::optional_string(body, "description").value_or("");
  user.enabled = input::optional_bool(body, "enabled").value_or(true);
  user.default_project_id = input::optional_string(body, "default_project_id");
  user.ignore_lockout_failure_attempts = ignore_lockout_option(body).value_or(false);
  const User created = users_.create(user);
  return http::Response::json(201, {{"user", view::user(created, call.base)}});
}

http::Response KeystoneApi::get_user(const Call& call) {
  const std::string& id = call.param("user_id");
  require_admin_or_self(call, id, "identity:get_user");
  const auto user = users_.get(id);
  if (!user) {
    throw not_found_error("user", id);
  }
  return http::Response::json(200, {{"user", view::user(*user, call.base)}});
}

http::Response KeystoneApi::update_user(const Call& call) {
  const Json body = input::resource_body(call.request, "user");
  UserChanges changes;
  if (body.contains("name")) {
    changes.name = input::required_name(body, "name");
  }
  changes.password = input::optional_string(body, "password");
  changes.email = nullable_string(body, "email");
  changes.description = input::optional_string(body, "description");
  changes.enabled = input::optional_bool(body, "enabled");
  changes.default_project_id = nullable_string(body, "default_project_id");
  changes.ignore_lockout_failure_attempts = ignore_lockout_option(body);
  if (const auto domain = input::optional_string(body, "domain_id");
      domain && !is_default_domain(*domain)) {
    throw validation_error("a user cannot move to another domain");
  }
  const User user = users_.update(call.param("user_id"), changes);
  return http::Response::json(200, {{"user", view::user(user, call.base)}});
}

http::Response KeystoneApi::delete_user(const Call& call) {
  users_.remove(call.param("user_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::list_user_projects(const Call& call) {
  const std::string& id = call.param("user_id");
  require_admin_or_self(call, id, "identity:list_user_projects");
  if (!users_.get(id)) {
    throw not_found_error("user", id);
  }
  Json items = Json::array();
  for (const auto& project : assignments_.projects_of(id, false)) {
    items.push_back(view::project(project, call.base));
  }
  return list_response(call, "projects", std::move(items));
}

http::Response KeystoneApi::change_password(const Call& call) {
  const std::string& id = call.param("user_id");
  // Only the user themself: the original password proves it is them.
  if (!is_self(call, id)) {
    throw policy_error("identity:change_password");
  }
  const Json body = input::resource_body(call.request, "user");
  const auto original = input::optional_string(body, "original_password");
  const auto password = input::optional_string(body, "password");
  if (!original || !password) {
    throw validation_error("'password' and 'original_password' are required");
  }
  // The original password is checked as a login is, limits included, as Keystone does.
  UserRef self;
  self.id = id;
  passwords_.authenticate(self, *original, call.request.remote_address);
  UserChanges changes;
  changes.password = *password;
  users_.update(id, changes);
  return http::Response::empty(204);
}

}  // namespace neutrino::identity
