// NeutronApi's dhcp_agent_scheduler extension: the networks a DHCP agent serves
// (/v2.0/agents/{id}/dhcp-networks, with add and remove) and the DHCP agents serving a network
// (/v2.0/networks/{id}/dhcp-agents).
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::register_dhcp_agent_scheduler_routes(http::Router& router) {
  const std::string networks = "/v2.0/agents/{id}/dhcp-networks";
  router.add("GET", networks, [this](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json list = db_.read([&](store::SqlSession& s) {
            return Json(dhcp_scheduler_.networks_on_agent(s, ctx, p.at("id")));
          });
          return http::Response::json(200, {{"networks", list}});
        },
        base_url_(req));
  });
  router.add("POST", networks, [this](const http::Request& req, const http::PathParams& p) {
    return guarded(
        [&] {
          const AuthContext ctx = authenticate(req);
          const Json body = parse_body(req);
          db_.write([&](store::SqlSession& s) { dhcp_scheduler_.add(s, ctx, p.at("id"), body); });
          changed_();
          return http::Response::json(201, Json::object());
        },
        base_url_(req));
  });
  router.add("DELETE", networks + "/{network}",
             [this](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     db_.write([&](store::SqlSession& s) {
                       dhcp_scheduler_.remove(s, ctx, p.at("id"), p.at("network"));
                     });
                     changed_();
                     return http::Response::empty(204);
                   },
                   base_url_(req));
             });
  router.add("GET", "/v2.0/networks/{id}/dhcp-agents",
             [this](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     const Json list = db_.read([&](store::SqlSession& s) {
                       return Json(dhcp_scheduler_.agents_hosting(s, ctx, p.at("id")));
                     });
                     return http::Response::json(200, {{"agents", list}});
                   },
                   base_url_(req));
             });
}

}  // namespace neutrino::neutron
