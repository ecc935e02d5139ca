// Groups of users and their members (Keystone's groups and user_group_membership).
#include "controller/identity/identity_errors.hpp"
#include "controller/identity/keystone_api.hpp"
#include "controller/identity/keystone_input.hpp"
#include "controller/identity/keystone_views.hpp"

namespace neutrino::identity {

http::Response KeystoneApi::list_groups(const Call& call) {
  Json items = Json::array();
  for (const auto& group :
       groups_.list(input::query(call.request, "domain_id"), input::query(call.request, "name"))) {
    items.push_back(view::group(group, call.base));
  }
  return list_response(call, "groups", std::move(items));
}

http::Response KeystoneApi::create_group(const Call& call) {
  const Json body = input::resource_body(call.request, "group");
  Group group;
  group.name = input::required_name(body, "name");
  group.domain_id = domain_or_default(input::optional_string(body, "domain_id"));
  group.description = input::optional_string(body, "description").value_or("");
  return http::Response::json(201, {{"group", view::group(groups_.create(group), call.base)}});
}

http::Response KeystoneApi::get_group(const Call& call) {
  const std::string& id = call.param("group_id");
  const auto group = groups_.get(id);
  if (!group) {
    throw not_found_error("group", id);
  }
  return http::Response::json(200, {{"group", view::group(*group, call.base)}});
}

http::Response KeystoneApi::update_group(const Call& call) {
  const Json body = input::resource_body(call.request, "group");
  std::optional<std::string> name;
  if (body.contains("name")) {
    name = input::required_name(body, "name");
  }
  const Group group =
      groups_.update(call.param("group_id"), name, input::optional_string(body, "description"));
  return http::Response::json(200, {{"group", view::group(group, call.base)}});
}

http::Response KeystoneApi::delete_group(const Call& call) {
  groups_.remove(call.param("group_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::list_group_users(const Call& call) {
  Json items = Json::array();
  for (const auto& id : groups_.user_ids(call.param("group_id"))) {
    if (const auto user = users_.get(id)) {
      items.push_back(view::user(*user, call.base));
    }
  }
  return list_response(call, "users", std::move(items));
}

http::Response KeystoneApi::add_group_user(const Call& call) {
  groups_.add_user(call.param("group_id"), call.param("user_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::check_group_user(const Call& call) {
  if (!groups_.has_user(call.param("group_id"), call.param("user_id"))) {
    throw api::not_found(
        "User '" + call.param("user_id") + "' not found in group '" + call.param("group_id") + "'.",
        "NotFound");
  }
  return http::Response::empty(204);
}

http::Response KeystoneApi::remove_group_user(const Call& call) {
  groups_.remove_user(call.param("group_id"), call.param("user_id"));
  return http::Response::empty(204);
}

http::Response KeystoneApi::list_user_groups(const Call& call) {
  const std::string& id = call.param("user_id");
  require_admin_or_self(call, id, "identity:list_groups_for_user");
  Json items = Json::array();
  for (const auto& group : groups_.groups_of(id)) {
    items.push_back(view::group(group, call.base));
  }
  return list_response(call, "groups", std::move(items));
}

}  // namespace neutrino::identity
