// Authentication: issuing, validating and revoking tokens, and what a token grants access to.
#include <algorithm>

#include "controller/api/api_error.hpp"
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/keystone_input.hpp"
#include "controller/identity/keystone_views.hpp"

namespace neutrino::identity {
namespace {

// {"domain": {"id": ...} | {"name": ...}} inside a user or project reference. Keystone answers
// an unknown domain during authentication with 401, not 404, to reveal nothing.
void require_default_domain(const Json& reference) {
  const Json* domain = input::optional_object(reference, "domain");
  if (domain == nullptr) {
    throw validation_error("'domain' is required when a name is given");
  }
  const auto id = input::optional_string(*domain, "id");
  const auto name = input::optional_string(*domain, "name");
  if ((id && is_default_domain(*id)) || (!id && name && is_default_domain(*name))) {
    return;
  }
  throw api::unauthorized();
}

}  // namespace

std::string KeystoneApi::authenticate_password(const Json& identity, const std::string& source) {
  const Json* password = input::optional_object(identity, "password");
  const Json* user_ref = password ? input::optional_object(*password, "user") : nullptr;
  if (user_ref == nullptr) {
    throw validation_error("'user' is a required property of 'password'");
  }
  const auto secret = input::optional_string(*user_ref, "password");
  if (!secret) {
    throw validation_error("'password' is a required property of 'user'");
  }
  UserRef who;
  if (const auto id = input::optional_string(*user_ref, "id")) {
    who.id = *id;
  } else if (const auto name = input::optional_string(*user_ref, "name")) {
    require_default_domain(*user_ref);
    who.name = *name;
  } else {
    throw validation_error("'id' or 'name' is required for 'user'");
  }
  return passwords_.authenticate(who, *secret, source);
}

std::optional<std::string> KeystoneApi::resolve_scope(const Json& auth, const User& user) {
  auto it = auth.find("scope");
  if (it == auth.end() || it->is_null()) {
    // No scope asked for: Keystone scopes to the default project when the user may use it.
    if (user.default_project_id &&
        !assignments_.roles_of(user.id, *user.default_project_id).empty()) {
      return user.default_project_id;
    }
    return std::nullopt;
  }
  if (it->is_string() && *it == "unscoped") {
    return std::nullopt;
  }
  if (!it->is_object()) {
    throw validation_error("'scope' must be an object");
  }
  const Json* project_ref = input::optional_object(*it, "project");
  if (project_ref == nullptr) {
    // Domain and system scopes: nobody holds roles on them here.
    throw api::unauthorized();
  }
  std::optional<Project> project;
  if (const auto id = input::optional_string(*project_ref, "id")) {
    project = projects_.get(*id);
  } else if (const auto name = input::optional_string(*project_ref, "name")) {
    require_default_domain(*project_ref);
    project = projects_.find_by_name(kDefaultDomainId, *name);
  } else {
    throw validation_error("'id' or 'name' is required for 'project'");
  }
  if (!project) {
    throw api::unauthorized();
  }
  return project->id;
}

http::Response KeystoneApi::create_token(const Call& call) {
  const Json body = input::parse_object(call.request.body);
  const Json* auth = input::optional_object(body, "auth");
  const Json* identity = auth ? input::optional_object(*auth, "identity") : nullptr;
  if (identity == nullptr) {
    throw validation_error("'identity' is a required property of 'auth'");
  }
  auto methods_it = identity->find("methods");
  if (methods_it == identity->end() || !methods_it->is_array() || methods_it->empty()) {
    throw validation_error("'methods' is a required property of 'identity'");
  }
  const auto methods = methods_it->get<std::vector<std::string>>();
  const auto uses = [&](const std::string& m) {
    return std::find(methods.begin(), methods.end(), m) != methods.end();
  };

  std::string user_id;
  std::vector<std::string> token_methods;
  std::optional<int64_t> expires_at;
  if (uses("password")) {
    user_id = authenticate_password(*identity, call.request.remote_address);
    token_methods = {"password"};
  } else if (uses("token")) {
    const Json* token_ref = input::optional_object(*identity, "token");
    const auto id = token_ref ? input::optional_string(*token_ref, "id") : std::nullopt;
    if (!id) {
      throw validation_error("'id' is a required property of 'token'");
    }
    const auto original = tokens_.inspect(*id);
    if (!original) {
      throw api::unauthorized();
    }
    user_id = original->context.user_id;
    token_methods = original->methods;
    if (std::find(token_methods.begin(), token_methods.end(), "token") == token_methods.end()) {
      token_methods.push_back("token");
    }
    // A re-scoped token never outlives the one it was made from.
    expires_at = original->context.expires_at;
  } else {
    throw api::unauthorized("Attempted to authenticate with an unsupported method.");
  }

  const auto user = users_.get(user_id);
  if (!user) {
    throw api::unauthorized();
  }
  const auto project_id = resolve_scope(*auth, *user);
  const IssuedToken issued = tokens_.issue(user_id, project_id, token_methods, expires_at);
  auto response = http::Response::json(
      201, view::token(issued.info, call.base, !input::has_query(call.request, "nocatalog")));
  response.with_header("X-Subject-Token", issued.token);
  return response;
}

TokenInfo KeystoneApi::subject_token(const Call& call, const std::string& rule) {
  const auto subject = call.request.header("x-subject-token");
  const auto info = subject ? tokens_.inspect(*subject) : std::nullopt;
  if (!info) {
    throw api::ApiError(404, "TokenNotFound", "Failed to validate token");
  }
  // Anyone may look at their own token; only an admin at somebody else's.
  require_admin_or_self(call, info->context.user_id, rule);
  return *info;
}

http::Response KeystoneApi::check_token(const Call& call) {
  const TokenInfo info = subject_token(call, "identity:validate_token");
  auto response = http::Response::json(
      200, view::token(info, call.base, !input::has_query(call.request, "nocatalog")));
  response.with_header("X-Subject-Token", *call.request.header("x-subject-token"));
  return response;
}

http::Response KeystoneApi::revoke_token(const Call& call) {
  subject_token(call, "identity:revoke_token");
  tokens_.revoke(*call.request.header("x-subject-token"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::get_catalog(const Call& call) {
  if (call.auth->project_id.empty()) {
    throw api::forbidden("The service catalog is only available to project-scoped tokens.",
                         "Forbidden");
  }
  return http::Response::json(200,
                              {{"catalog", view::catalog(call.base)},
                               {"links", view::collection_links(call.base, call.request.target)}});
}

http::Response KeystoneApi::list_auth_projects(const Call& call) {
  Json items = Json::array();
  for (const auto& project : assignments_.projects_of(call.auth->user_id, true)) {
    items.push_back(view::project(project, call.base));
  }
  return list_response(call, "projects", std::move(items));
}

}  // namespace neutrino::identity
