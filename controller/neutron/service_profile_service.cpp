#include "controller/neutron/service_profile_service.hpp"

#include "common/random.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

const char* kColumns = "SELECT id, description, driver, metainfo, enabled FROM serviceprofiles";

Json render(const store::SqlRow& r) {
  return {{"id", r.text(0)},
          {"description", r.is_null(1) ? Json(nullptr) : Json(r.text(1))},
          {"driver", r.text(2)},
          {"metainfo", r.is_null(3) ? Json(nullptr) : Json(r.text(3))},
          {"enabled", r.boolean(4)}};
}

void require_admin(const AuthContext& ctx, const std::string& action) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

}  // namespace

api::ApiError service_profile_not_found(const std::string& id) {
  return api::not_found("Service Profile " + id + " could not be found.", "ServiceProfileNotFound");
}

bool ServiceProfileService::exists(store::SqlSession& s, const std::string& id) {
  return !s.query("SELECT 1 FROM serviceprofiles WHERE id = ?", {id}).empty();
}

void ServiceProfileService::check_driver(const std::string& driver) const {
  if (driver.empty() || providers_.has_driver(driver)) {
    return;
  }
  throw api::not_found("Service Profile driver " + driver + " could not be found.",
                       "ServiceProfileDriverNotFound");
}

std::vector<Json> ServiceProfileService::next_providers(store::SqlSession& s,
                                                        const std::string& flavor_id) const {
  const auto rows = s.query(
      "SELECT p.driver, p.enabled FROM flavorserviceprofilebindings b JOIN serviceprofiles p ON "
      "p.id = b.service_profile_id WHERE b.flavor_id = ? ORDER BY b.service_profile_id LIMIT 1",
      {flavor_id});
  if (rows.empty()) {
    throw api::not_found("Service Profile  is not associated with flavor " + flavor_id + ".",
                         "FlavorServiceProfileBindingNotFound");
  }
  if (!rows[0].boolean(1)) {
    throw api::ApiError(503, "ServiceProfileDisabled", "Service Profile is not enabled.");
  }
  const std::string driver = rows[0].text(0);
  const auto provider = providers_.provider_of(driver);
  if (!provider) {
    throw api::not_found("Service Profile driver " + driver + " could not be found.",
                         "ServiceProfileDriverNotFound");
  }
  return {{{"driver", driver}, {"provider", *provider}}};
}

Json ServiceProfileService::create(store::SqlSession& s, const AuthContext& ctx,
                                   const Json& attributes) const {
  require_admin(ctx, "create_service_profile");
  const std::string driver = attributes.value("driver", "");
  const std::string metainfo = attributes.value("metainfo", "");
  if (driver.empty() && metainfo.empty()) {
    throw api::bad_request("Service Profile needs either a driver or metainfo.",
                           "ServiceProfileEmpty");
  }
  check_driver(driver);
  const std::string id = random::uuid4();
  const Json description = attributes.value("description", Json(""));
  s.execute(
      "INSERT INTO serviceprofiles (id, description, driver, metainfo, enabled) "
      "VALUES (?, ?, ?, ?, ?)",
      {id,
       description.is_null() ? store::SqlValue() : store::SqlValue(description.get<std::string>()),
       driver, metainfo, int64_t{attributes.value("enabled", true)}});
  return show(s, ctx, id);
}

Json ServiceProfileService::show(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id) const {
  const auto rows = ctx.is_admin() ? s.query(std::string(kColumns) + " WHERE id = ?", {id})
                                   : std::vector<store::SqlRow>{};
  if (rows.empty()) {
    throw service_profile_not_found(id);
  }
  return render(rows[0]);
}

std::vector<Json> ServiceProfileService::list(store::SqlSession& s, const AuthContext& ctx) const {
  std::vector<Json> out;
  if (ctx.is_admin()) {
    for (const auto& r : s.query(std::string(kColumns) + " ORDER BY id")) {
      out.push_back(render(r));
    }
  }
  return out;
}

Json ServiceProfileService::update(store::SqlSession& s, const AuthContext& ctx,
                                   const std::string& id, const Json& attributes) const {
  show(s, ctx, id);
  require_admin(ctx, "update_service_profile");
  if (attributes.contains("driver")) {
    check_driver(attributes["driver"].get<std::string>());
    s.execute("UPDATE serviceprofiles SET driver = ? WHERE id = ?",
              {attributes["driver"].get<std::string>(), id});
  }
  if (attributes.contains("metainfo")) {
    s.execute("UPDATE serviceprofiles SET metainfo = ? WHERE id = ?",
              {attributes["metainfo"].get<std::string>(), id});
  }
  if (attributes.contains("description")) {
    const Json& d = attributes["description"];
    s.execute("UPDATE serviceprofiles SET description = ? WHERE id = ?",
              {d.is_null() ? store::SqlValue() : store::SqlValue(d.get<std::string>()), id});
  }
  if (attributes.contains("enabled")) {
    s.execute("UPDATE serviceprofiles SET enabled = ? WHERE id = ?",
              {int64_t{attributes["enabled"].get<bool>()}, id});
  }
  return show(s, ctx, id);
}

void ServiceProfileService::remove(store::SqlSession& s, const AuthContext& ctx,
                                   const std::string& id) const {
  show(s, ctx, id);
  require_admin(ctx, "delete_service_profile");
  if (!s.query("SELECT 1 FROM flavorserviceprofilebindings WHERE service_profile_id = ?", {id})
           .empty()) {
    throw api::conflict("ServiceProfileInUse",
                        "Service Profile " + id + " is used by some service instance.");
  }
  s.execute("DELETE FROM serviceprofiles WHERE id = ?", {id});
}

}  // namespace neutrino::neutron
