// NeutronApi's /v2.0/quotas routes (Neutron's QuotaSetsController and the quota_details
// extension's DetailQuotaSetsController).
#include "controller/neutron/neutron_api.hpp"
#include "controller/neutron/neutron_guard.hpp"
#include "controller/neutron/quota_service.hpp"

namespace neutrino::neutron {
namespace {

using Handler = std::function<http::Response(const AuthContext&, const http::Request&,
                                             const std::string& project_id)>;

}  // namespace

void NeutronApi::register_quota_routes(http::Router& router) {
  // Every quota route authenticates, then runs `handler` with the project the path names.
  const auto route = [this, &router](const std::string& method, const std::string& path,
                                     Handler handler) {
    router.add(method, path, [this, handler](const http::Request& req, const http::PathParams& p) {
      return guarded(
          [&] {
            const AuthContext ctx = authenticate(req);
            const auto id = p.find("id");
            return handler(ctx, req, id == p.end() ? "" : id->second);
          },
          base_url_(req));
    });
  };
  route("GET", "/v2.0/quotas",
        [this](const AuthContext& ctx, const http::Request&, const std::string&) {
          QuotaService::authorize_write(ctx, "get_quota");  // listing every project is admin only
          return http::Response::json(200, {{"quotas", db_.read([](store::SqlSession& s) {
                                               return QuotaService::list_non_default(s);
                                             })}});
        });
  route("POST", "/v2.0/quotas", [](const AuthContext&, const http::Request&, const std::string&) {
    return api::neutron_error_response(api::ApiError(
        501, "HTTPNotImplemented", "POST requests are not supported on this resource."));
  });
  // The caller's own project, the collection actions Neutron answers before /quotas/{id}.
  for (const std::string key : {"project", "tenant"}) {
    route("GET", "/v2.0/quotas/" + key,
          [key](const AuthContext& ctx, const http::Request&, const std::string&) {
            return http::Response::json(200, {{key, {{key + "_id", ctx.project_id}}}});
          });
  }
  route("GET", "/v2.0/quotas/{id}",
        [this](const AuthContext& ctx, const http::Request&, const std::string& project) {
          QuotaService::authorize_read(ctx, project);
          return http::Response::json(200, {{"quota", db_.read([&](store::SqlSession& s) {
                                               return QuotaService::limits(s, project);
                                             })}});
        });
  route("GET", "/v2.0/quotas/{id}/default",
        [](const AuthContext& ctx, const http::Request&, const std::string& project) {
          QuotaService::authorize_read(ctx, project);
          return http::Response::json(200, {{"quota", QuotaService::defaults()}});
        });
  // Tempest asks for details.json, openstacksdk for details.
  for (const char* path : {"/v2.0/quotas/{id}/details", "/v2.0/quotas/{id}/details.json"}) {
    route("GET", path,
          [this](const AuthContext& ctx, const http::Request&, const std::string& project) {
            QuotaService::authorize_read(ctx, project);
            return http::Response::json(200, {{"quota", db_.read([&](store::SqlSession& s) {
                                                 return QuotaService::details(s, project);
                                               })}});
          });
  }
  route("PUT", "/v2.0/quotas/{id}",
        [this](const AuthContext& ctx, const http::Request& req, const std::string& project) {
          QuotaService::authorize_write(ctx, "update_quota");
          const Json body = parse_body(req);
          if (!body.contains("quota")) {
            throw api::bad_request("Unable to find 'quota' in request body");
          }
          return http::Response::json(200, {{"quota", db_.write([&](store::SqlSession& s) {
                                               return QuotaService::update(s, project,
                                                                           body["quota"]);
                                             })}});
        });
  route("DELETE", "/v2.0/quotas/{id}",
        [this](const AuthContext& ctx, const http::Request&, const std::string& project) {
          QuotaService::authorize_write(ctx, "delete_quota");
          db_.write([&](store::SqlSession& s) { QuotaService::reset(s, project); });
          return http::Response::empty(204);
        });
}

}  // namespace neutrino::neutron
