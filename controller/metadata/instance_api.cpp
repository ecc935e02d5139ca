#include "controller/metadata/instance_api.hpp"

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/metadata/instance_input.hpp"
#include "controller/metadata/instance_store.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "metadata/ec2_metadata.hpp"

namespace neutrino::metadata {
namespace {

constexpr const char* kCollection = "/v2.1/neutrino/instances";

api::ApiError instance_not_found(const std::string& id) {
  return api::not_found("Instance " + id + " could not be found.", "InstanceNotFound");
}

void require_admin(const identity::AuthContext& caller, const std::string& action) {
  if (!caller.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

Json view(const InstanceRecord& r) {
  Json groups = Json::array();
  for (const auto& name : r.security_groups) {
    groups.push_back({{"name", name}});
  }
  const auto nullable = [](const std::optional<std::string>& v) {
    return v ? Json(*v) : Json(nullptr);
  };
  return {{"id", r.id},
          {"name", r.name},
          {"hostname", r.hostname},
          {"project_id", r.project_id},
          {"tenant_id", r.project_id},
          {"key_name", nullable(r.key_name)},
          {"public_key", nullable(r.public_key)},
          {"key_type", r.key_type},
          {"user_data", nullable(r.user_data)},
          {"availability_zone", r.availability_zone},
          {"launch_index", r.launch_index},
          {"flavor_name", r.flavor_name},
          {"metadata", r.metadata},
          {"security_groups", groups},
          {"ec2_id", ec2_id("i", r.ec2_id)},
          {"reservation_id", r.reservation_id},
          {"created_at", clock::format_iso8601(r.created_at)},
          {"updated_at", clock::format_iso8601(r.updated_at)}};
}

std::optional<std::string> project_filter(const http::Request& request) {
  for (const auto& [key, value] : request.query) {
    if (key == "project_id" || key == "tenant_id") {
      return value;
    }
  }
  return std::nullopt;
}

}  // namespace

InstanceApi::InstanceApi(store::Database& db, identity::TokenValidator& tokens, BaseUrl base_url)
    : db_(db), tokens_(tokens), base_url_(std::move(base_url)) {}

identity::AuthContext InstanceApi::authenticate(const http::Request& request) const {
  const auto token = request.header("x-auth-token");
  if (!token || token->empty()) {
    throw api::unauthorized();
  }
  auto caller = tokens_.validate(*token);
  if (!caller || caller->project_id.empty()) {
    throw api::unauthorized();
  }
  return *caller;
}

http::Response InstanceApi::guarded(const http::Request& request,
                                    const std::function<http::Response()>& handler) const {
  try {
    return handler();
  } catch (const api::ApiError& error) {
    if (error.status() != 401) {
      throw;
    }
    return api::keystone_error_response(error).with_header(
        "WWW-Authenticate", "Keystone uri=\"" + base_url_(request) + "/v3\"");
  }
}

void InstanceApi::register_routes(http::Router& router) {
  const std::string item = std::string(kCollection) + "/{id}";
  router.add("GET", kCollection, [this](const http::Request& r, const http::PathParams&) {
    return guarded(r, [&] { return list(r); });
  });
  router.add("POST", kCollection, [this](const http::Request& r, const http::PathParams&) {
    return guarded(r, [&] { return create(r); });
  });
  router.add("GET", item, [this](const http::Request& r, const http::PathParams& p) {
    return guarded(r, [&] { return show(r, p.at("id")); });
  });
  router.add("DELETE", item, [this](const http::Request& r, const http::PathParams& p) {
    return guarded(r, [&] { return remove(r, p.at("id")); });
  });
}

http::Response InstanceApi::create(const http::Request& request) {
  const auto caller = authenticate(request);
  require_admin(caller, "create_instance");
  InstanceRecord record = parse_new_instance(neutron::parse_body(request), caller);
  const InstanceRecord created =
      db_.write([&](store::SqlSession& s) { return InstanceStore::create(s, std::move(record)); });
  return http::Response::json(201, {{"instance", view(created)}})
      .with_header("Location", base_url_(request) + kCollection + "/" + created.id);
}

http::Response InstanceApi::list(const http::Request& request) {
  const auto caller = authenticate(request);
  std::optional<std::string> project = project_filter(request);
  if (!caller.is_admin()) {
    if (project && *project != caller.project_id) {
      return http::Response::json(200, {{"instances", Json::array()}});
    }
    project = caller.project_id;
  }
  const auto records =
      db_.read([&](store::SqlSession& s) { return InstanceStore::list(s, project); });
  Json items = Json::array();
  for (const auto& r : records) {
    items.push_back(view(r));
  }
  return http::Response::json(200, {{"instances", items}});
}

http::Response InstanceApi::show(const http::Request& request, const std::string& id) {
  const auto caller = authenticate(request);
  const auto record = db_.read([&](store::SqlSession& s) { return InstanceStore::find(s, id); });
  // Another project's instance is not found rather than forbidden: its existence stays secret.
  if (!record || !(caller.is_admin() || caller.project_id == record->project_id)) {
    throw instance_not_found(id);
  }
  return http::Response::json(200, {{"instance", view(*record)}});
}

http::Response InstanceApi::remove(const http::Request& request, const std::string& id) {
  const auto caller = authenticate(request);
  require_admin(caller, "delete_instance");
  if (!db_.write([&](store::SqlSession& s) { return InstanceStore::remove(s, id); })) {
    throw instance_not_found(id);
  }
  return http::Response::empty(204);
}

}  // namespace neutrino::metadata
