// NeutronApi's PUT /v2.0/subnetpools/{id}/onboard_network_subnets (the subnet_onboard
// extension's member action on subnet pools).
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::register_subnet_onboarding_routes(http::Router& router) {
  router.add("PUT", "/v2.0/subnetpools/{id}/onboard_network_subnets",
             [this](const http::Request& req, const http::PathParams& p) {
               return guarded(
                   [&] {
                     const AuthContext ctx = authenticate(req);
                     const Json body = parse_body(req);
                     const Json onboarded = db_.write([&](store::SqlSession& s) {
                       return subnet_onboarding_.onboard(s, ctx, p.at("id"), body);
                     });
                     changed_();
                     // A member action: Neutron answers the onboarded subnets, unwrapped.
                     return http::Response::json(200, onboarded);
                   },
                   base_url_(req));
             });
}

}  // namespace neutrino::neutron
