// NeutronApi's /v2.0/ports/{id}/bindings routes (the binding-extended extension): list, show,
// create, activate and delete a port's bindings.
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"

namespace neutrino::neutron {
namespace {

using Handler = std::function<http::Response(const AuthContext&, const http::Request&,
                                             const http::PathParams&)>;

// The bindings a list query's filters keep (host, vif_type, vnic_type and status are
// filters in Neutron's definition); other parameters are ignored.
bool matches(const Json& binding, const http::QueryParams& query) {
  for (const auto& [key, value] : query) {
    if ((key == "host" || key == "vif_type" || key == "vnic_type" || key == "status") &&
        binding[key] != value) {
      return false;
    }
  }
  return true;
}

}  // namespace

void NeutronApi::register_port_binding_routes(http::Router& router) {
  const auto route = [this, &router](const std::string& method, const std::string& path,
                                     Handler handler) {
    router.add(method, path, [this, handler](const http::Request& req, const http::PathParams& p) {
      return guarded([&] { return handler(authenticate(req), req, p); }, base_url_(req));
    });
  };
  const std::string bindings = "/v2.0/ports/{id}/bindings";
  route("GET", bindings,
        [this](const AuthContext& ctx, const http::Request& req, const http::PathParams& p) {
          Json out = Json::array();
          for (auto& b : db_.read(
                   [&](store::SqlSession& s) { return port_bindings_.list(s, ctx, p.at("id")); })) {
            if (matches(b, req.query)) {
              out.push_back(std::move(b));
            }
          }
          return http::Response::json(200, {{"bindings", out}});
        });
  route("GET", bindings + "/{host}",
        [this](const AuthContext& ctx, const http::Request&, const http::PathParams& p) {
          const Json b = db_.read([&](store::SqlSession& s) {
            return port_bindings_.show(s, ctx, p.at("id"), p.at("host"));
          });
          return http::Response::json(200, {{"binding", b}});
        });
  route("POST", bindings,
        [this](const AuthContext& ctx, const http::Request& req, const http::PathParams& p) {
          const Json body = parse_body(req);
          if (!body.contains("binding")) {
            throw api::bad_request("Unable to find 'binding' in request body");
          }
          const Json b = db_.write([&](store::SqlSession& s) {
            return port_bindings_.create(s, ctx, p.at("id"), body["binding"]);
          });
          return http::Response::json(201, {{"binding", b}});
        });
  route("PUT", bindings + "/{host}/activate",
        [this](const AuthContext& ctx, const http::Request&, const http::PathParams& p) {
          const Json b = db_.write([&](store::SqlSession& s) {
            return port_bindings_.activate(s, ctx, p.at("id"), p.at("host"));
          });
          changed_();
          return http::Response::json(200, {{"binding", b}});
        });
  route("DELETE", bindings + "/{host}",
        [this](const AuthContext& ctx, const http::Request&, const http::PathParams& p) {
          db_.write([&](store::SqlSession& s) {
            port_bindings_.remove(s, ctx, p.at("id"), p.at("host"));
          });
          changed_();
          return http::Response::empty(204);
        });
}

}  // namespace neutrino::neutron
