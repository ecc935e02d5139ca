#include "controller/neutron/flavor_service.hpp"

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/service_profile_service.hpp"

namespace neutrino::neutron {
namespace {

void require_admin(const AuthContext& ctx, const std::string& action) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

store::SqlValue nullable(const Json& value) {
  return value.is_null() ? store::SqlValue() : store::SqlValue(value.get<std::string>());
}

}  // namespace

api::ApiError flavor_not_found(const std::string& id) {
  return api::not_found("Flavor " + id + " could not be found.", "FlavorNotFound");
}

std::vector<Json> FlavorService::load(store::SqlSession& s, const std::string& where,
                                      const store::SqlParams& params) const {
  std::vector<Json> out;
  for (const auto& r : s.query("SELECT id, name, description, service_type, enabled FROM "
                               "network_flavors " +
                                   where + " ORDER BY created_at, id",
                               params)) {
    Json profiles = Json::array();
    for (const auto& p : s.query("SELECT service_profile_id FROM flavorserviceprofilebindings "
                                 "WHERE flavor_id = ? ORDER BY service_profile_id",
                                 {r.text(0)})) {
      profiles.push_back(p.text(0));
    }
    out.push_back({{"id", r.text(0)},
                   {"name", r.text(1)},
                   {"description", r.is_null(2) ? Json(nullptr) : Json(r.text(2))},
                   {"service_type", r.text(3)},
                   {"service_profiles", profiles},
                   {"enabled", r.boolean(4)}});
  }
  return out;
}

std::vector<std::string> FlavorService::profile_ids(store::SqlSession& s, const Json& ids) const {
  std::vector<std::string> out;
  for (const auto& id : ids) {
    if (!id.is_string() || !is_uuid(id.get<std::string>())) {
      throw api::bad_request("Invalid input for service_profiles. Reason: '" +
                             (id.is_string() ? id.get<std::string>() : id.dump()) +
                             "' is not a valid UUID.");
    }
    if (!ServiceProfileService::exists(s, id.get<std::string>())) {
      throw service_profile_not_found(id.get<std::string>());
    }
    out.push_back(id.get<std::string>());
  }
  return out;
}

void FlavorService::set_profiles(store::SqlSession& s, const std::string& flavor_id,
                                 const std::vector<std::string>& ids) const {
  s.execute("DELETE FROM flavorserviceprofilebindings WHERE flavor_id = ?", {flavor_id});
  for (const auto& id : ids) {
    s.execute(
        "INSERT INTO flavorserviceprofilebindings (flavor_id, service_profile_id) VALUES (?, ?) "
        "ON CONFLICT DO NOTHING",
        {flavor_id, id});
  }
}

Json FlavorService::create(store::SqlSession& s, const AuthContext& ctx,
                           const Json& attributes) const {
  require_admin(ctx, "create_flavor");
  const std::string type = attributes["service_type"].get<std::string>();
  if (!service_types_.contains(type)) {
    throw api::bad_request("Invalid service type " + type + ".", "InvalidFlavorServiceType");
  }
  const auto profiles = profile_ids(s, attributes.value("service_profiles", Json::array()));
  const std::string id = random::uuid4();
  s.execute(
      "INSERT INTO network_flavors (id, name, description, service_type, enabled, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, attributes.value("name", ""), nullable(attributes.value("description", Json(""))), type,
       int64_t{attributes.value("enabled", true)}, clock::now_unix_seconds()});
  set_profiles(s, id, profiles);
  return show(s, ctx, id);
}

Json FlavorService::show(store::SqlSession& s, const AuthContext&, const std::string& id) const {
  auto found = load(s, "WHERE id = ?", {id});
  if (found.empty()) {
    throw flavor_not_found(id);
  }
  return found.front();
}

std::vector<Json> FlavorService::list(store::SqlSession& s, const AuthContext&) const {
  return load(s, "", {});
}

Json FlavorService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                           const Json& attributes) const {
  show(s, ctx, id);
  require_admin(ctx, "update_flavor");
  if (attributes.contains("name")) {
    s.execute("UPDATE network_flavors SET name = ? WHERE id = ?",
              {attributes["name"].get<std::string>(), id});
  }
  if (attributes.contains("description")) {
    s.execute("UPDATE network_flavors SET description = ? WHERE id = ?",
              {nullable(attributes["description"]), id});
  }
  if (attributes.contains("enabled")) {
    s.execute("UPDATE network_flavors SET enabled = ? WHERE id = ?",
              {int64_t{attributes["enabled"].get<bool>()}, id});
  }
  if (attributes.contains("service_profiles")) {
    set_profiles(s, id, profile_ids(s, attributes["service_profiles"]));
  }
  return show(s, ctx, id);
}

void FlavorService::remove(store::SqlSession& s, const AuthContext& ctx,
                           const std::string& id) const {
  show(s, ctx, id);
  require_admin(ctx, "delete_flavor");
  s.execute("DELETE FROM flavorserviceprofilebindings WHERE flavor_id = ?", {id});
  s.execute("DELETE FROM network_flavors WHERE id = ?", {id});
}

Json FlavorService::bind(store::SqlSession& s, const AuthContext& ctx, const std::string& flavor_id,
                         const Json& body) const {
  require_admin(ctx, "create_flavor_service_profile");
  show(s, ctx, flavor_id);
  const Json profile = body.value("service_profile", Json());
  if (!profile.is_object() || !profile.contains("id")) {
    throw api::bad_request("Unable to find 'service_profile' in request body");
  }
  const std::string profile_id = profile_ids(s, Json::array({profile["id"]})).front();
  if (!s.query("SELECT 1 FROM flavorserviceprofilebindings WHERE flavor_id = ? AND "
               "service_profile_id = ?",
               {flavor_id, profile_id})
           .empty()) {
    throw api::conflict(
        "FlavorServiceProfileBindingExists",
        "Service Profile " + profile_id + " is already associated with flavor " + flavor_id + ".");
  }
  s.execute(
      "INSERT INTO flavorserviceprofilebindings (flavor_id, service_profile_id) VALUES (?, ?)",
      {flavor_id, profile_id});
  return {{"id", profile_id}};
}

void FlavorService::unbind(store::SqlSession& s, const AuthContext& ctx,
                           const std::string& flavor_id, const std::string& profile_id) const {
  require_admin(ctx, "delete_flavor_service_profile");
  show(s, ctx, flavor_id);
  if (s.execute("DELETE FROM flavorserviceprofilebindings WHERE flavor_id = ? AND "
                "service_profile_id = ?",
                {flavor_id, profile_id}) == 0) {
    throw api::not_found(
        "Service Profile " + profile_id + " is not associated with flavor " + flavor_id + ".",
        "FlavorServiceProfileBindingNotFound");
  }
}

}  // namespace neutrino::neutron
