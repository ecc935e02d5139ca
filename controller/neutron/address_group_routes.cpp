// PUT /v2.0/address-groups/{id}/add_addresses and .../remove_addresses: Neutron's member
// actions, answering {"address_group": {...}} with the group as it now is.
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {

void NeutronApi::register_address_group_actions(http::Router& router) {
  using Op = Json (AddressGroupService::*)(store::SqlSession&, const AuthContext&,
                                           const std::string&, const Json&) const;
  // Not a structured binding: clang 14 (the sanitizer flavours) cannot capture one.
  for (const auto& entry :
       {std::pair<std::string, Op>{"add_addresses", &AddressGroupService::add_addresses},
        {"remove_addresses", &AddressGroupService::remove_addresses}}) {
    const Op op = entry.second;
    router.add("PUT", "/v2.0/address-groups/{id}/" + entry.first,
               [this, op](const http::Request& req, const http::PathParams& p) {
                 return guarded(
                     [&] {
                       const AuthContext ctx = authenticate(req);
                       const Json body = parse_body(req);
                       const Json group = db_.write([&](store::SqlSession& s) {
                         return (address_groups_.*op)(s, ctx, p.at("id"), body);
                       });
                       return http::Response::json(200, {{"address_group", group}});
                     },
                     base_url_(req));
               });
  }
}

}  // namespace neutrino::neutron
