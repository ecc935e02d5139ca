// NeutronApi's /v2.0/network-ip-availabilities routes (the network-ip-availability extension).
#include "controller/neutron/ip_availability_service.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/list_query_engine.hpp"
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {
namespace {

const std::string kCollection = "network_ip_availabilities";

// ip_version filters the subnets counted (Neutron's SUPPORTED_FILTERS), not the networks, so
// it is taken out before the generic filters run.
std::vector<int> take_ip_versions(http::QueryParams& query) {
  std::vector<int> versions;
  for (auto it = query.begin(); it != query.end();) {
    if (it->first != "ip_version") {
      ++it;
      continue;
    }
    if (it->second != "4" && it->second != "6") {
      throw api::bad_request(
          "Invalid input for ip_version. Reason: '" + it->second + "' is not in [4, 6].",
          "InvalidInput");
    }
    versions.push_back(it->second == "4" ? 4 : 6);
    it = query.erase(it);
  }
  return versions;
}

}  // namespace

void NeutronApi::register_ip_availability_routes(http::Router& router) {
  const std::string path = "/v2.0/network-ip-availabilities";
  router.add("GET", path, [this, path](const http::Request& req, const http::PathParams&) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          http::QueryParams query = req.query;
          const std::vector<int> versions = take_ip_versions(query);
          const std::set<std::string> attributes = {"network_id", "network_name", "project_id",
                                                    "tenant_id",  "total_ips",    "used_ips"};
          const ListQuery parsed = parse_list_query(query, attributes);
          std::vector<Json> items;
          // get_network_ip_availability is admin only: others see none.
          if (ctx.is_admin()) {
            items = db_.read(
                [&](store::SqlSession& s) { return IpAvailabilityService::list(s, versions); });
          }
          const ListTarget target{kCollection, base_url_(req) + path, nullptr, {}};
          return http::Response::json(200, apply_list_query(std::move(items), parsed, target));
        },
        base_url_(req));
  });
  router.add("GET", path + "/{id}", [this](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const std::string& id = p.at("id");
          std::optional<Json> found;
          if (ctx.is_admin()) {
            found =
                db_.read([&](store::SqlSession& s) { return IpAvailabilityService::show(s, id); });
          }
          if (!found) {
            throw api::not_found("Network " + id + " could not be found.", "NetworkNotFound");
          }
          return http::Response::json(200, {{"network_ip_availability", *found}});
        },
        base_url_(req));
  });
}

}  // namespace neutrino::neutron
