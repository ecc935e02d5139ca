// NeutronApi's read-only collections of the agent extensions: /v2.0/availability_zones
// (availability_zone, with availability_zone_filter's name/resource/state filters) and
// /v2.0/service-providers (service-type).
#include "controller/agents/availability_zones.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/list_query_engine.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::register_agent_extension_routes(http::Router& router) {
  // Any authenticated user may list zones and providers (Neutron's policy: regular_user).
  router.add(
      "GET", "/v2.0/availability_zones", [this](const http::Request& req, const http::PathParams&) {
        return guarded(
            [&] {
              authenticate(req);
              const ListQuery parsed = parse_list_query(req.query, {"name", "resource", "state"});
              auto items = db_.read(
                  [&](store::SqlSession& s) { return agents::AvailabilityZones::list(s); });
              const ListTarget target{
                  "availability_zones", base_url_(req) + "/v2.0/availability_zones", nullptr, {}};
              return http::Response::json(200, apply_list_query(std::move(items), parsed, target));
            },
            base_url_(req));
      });
  router.add(
      "GET", "/v2.0/service-providers", [this](const http::Request& req, const http::PathParams&) {
        return guarded(
            [&] {
              authenticate(req);
              const ListQuery parsed =
                  parse_list_query(req.query, {"service_type", "name", "default"});
              const ListTarget target{
                  "service_providers", base_url_(req) + "/v2.0/service-providers", nullptr, {}};
              return http::Response::json(
                  200, apply_list_query(service_providers_.list(), parsed, target));
            },
            base_url_(req));
      });
}

}  // namespace neutrino::neutron
