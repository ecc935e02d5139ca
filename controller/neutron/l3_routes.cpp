#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::register_router_interface_routes(http::Router& router) {
  using Op = Json (RouterInterfaces::*)(store::SqlSession&, const AuthContext&, const std::string&,
                                        const Json&) const;
  // Not a structured binding: clang 14 (the sanitizer flavours) cannot capture one.
  for (const auto& entry :
       {std::pair<std::string, Op>{"add_router_interface", &RouterInterfaces::add},
        {"remove_router_interface", &RouterInterfaces::remove}}) {
    const Op op = entry.second;
    router.add("PUT", "/v2.0/routers/{id}/" + entry.first,
               [this, op](const http::Request& req, const http::PathParams& p) {
                 return guarded(
                     [&] {
                       const AuthContext ctx = authenticate(req);
                       const Json body = parse_body(req);
                       const Json info = db_.write([&](store::SqlSession& s) {
                         return (router_interfaces_.*op)(s, ctx, p.at("id"), body);
                       });
                       changed_();
                       // A member action: the interface info, not wrapped.
                       return http::Response::json(200, info);
                     },
                     base_url_(req));
               });
  }
}

}  // namespace neutrino::neutron
