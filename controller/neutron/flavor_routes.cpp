// NeutronApi's flavors extension: /v2.0/flavors and /v2.0/service_profiles through the generic
// handlers, a flavor's service profile bindings (/v2.0/flavors/{id}/service_profiles) and
// the provider it leads to (/v2.0/flavors/{id}/next_providers).
#include "controller/neutron/flavor_schemas.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::add_flavor_resources() {
  Resource flavors = bind(flavors_, flavor_schema(), &FlavorService::touch, "Flavor");
  flavors.taggable = false;
  resources_.push_back(flavors);
  Resource profiles = bind(service_profiles_, service_profile_schema(),
                           &ServiceProfileService::touch, "ServiceProfile");
  profiles.taggable = false;
  profiles.not_found = &service_profile_not_found;
  profiles.path = "service_profiles";  // Neutron keeps the underscore here
  resources_.push_back(profiles);
}

void NeutronApi::register_flavor_binding_routes(http::Router& router) {
  // Whoever may read the flavor may ask which provider it leads to.
  router.add("GET", "/v2.0/flavors/{id}/next_providers",
             [this](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     const Json providers = db_.read([&](store::SqlSession& s) {
                       flavors_.show(s, ctx, p.at("id"));
                       return Json(service_profiles_.next_providers(s, p.at("id")));
                     });
                     return http::Response::json(200, {{"next_providers", providers}});
                   },
                   base_url_(req));
             });
  const std::string base = "/v2.0/flavors/{id}/service_profiles";
  router.add("GET", base, [this](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json flavor =
              db_.read([&](store::SqlSession& s) { return flavors_.show(s, ctx, p.at("id")); });
          Json list = Json::array();
          for (const auto& id : flavor["service_profiles"]) {
            list.push_back({{"id", id}});
          }
          return http::Response::json(200, {{"service_profiles", list}});
        },
        base_url_(req));
  });
  router.add("POST", base, [this](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json body = parse_body(req);
          const Json bound = db_.write(
              [&](store::SqlSession& s) { return flavors_.bind(s, ctx, p.at("id"), body); });
          return http::Response::json(201, {{"service_profile", bound}});
        },
        base_url_(req));
  });
  router.add("DELETE", base + "/{profile}",
             [this](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     db_.write([&](store::SqlSession& s) {
                       flavors_.unbind(s, ctx, p.at("id"), p.at("profile"));
                     });
                     return http::Response::empty(204);
                   },
                   base_url_(req));
             });
}

}  // namespace neutrino::neutron
