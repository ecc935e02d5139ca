#include "controller/compute/compute_api.hpp"

#include "common/log.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kRoot = "/compute/v2.1";

Json version_entry(const std::string& base) {
  return {{"id", "v2.1"},
          {"status", "CURRENT"},
          {"version", kMaxVersion.to_string()},
          {"min_version", kMinVersion.to_string()},
          {"updated", "2013-07-23T11:33:21Z"},
          {"links", Json::array({{{"rel", "self"}, {"href", base + "/compute/v2.1/"}},
                                 {{"rel", "describedby"},
                                  {"type", "text/html"},
                                  {"href", "http://docs.openstack.org/"}}})},
          {"media-types",
           Json::array({{{"base", "application/json"},
                         {"type", "application/vnd.openstack.compute+json;version=2.1"}}})}};
}

}  // namespace

ComputeApi::ComputeApi(store::Database& db, identity::TokenValidator& tokens,
                       ServerOperations& servers, ConsoleLogSource& consoles,
                       const ComputeSettings& settings, BaseUrl base_url)
    : db_(db),
      tokens_(tokens),
      servers_(servers),
      consoles_(consoles),
      settings_(settings),
      base_url_(std::move(base_url)) {}

void ComputeApi::register_routes(http::Router& router) {
  router.add("GET", "/compute",
             [this](const http::Request& r, const http::PathParams&) { return versions(r); });
  router.add("GET", kRoot,
             [this](const http::Request& r, const http::PathParams&) { return version_v21(r); });
  const std::string root = kRoot;
  // Fixed segments ("detail") before the captures they would otherwise match.
  add(router, "GET", root + "/flavors", &ComputeApi::list_flavors);
  add(router, "GET", root + "/flavors/detail", &ComputeApi::list_flavors_detail);
  add(router, "POST", root + "/flavors", &ComputeApi::create_flavor);
  add(router, "GET", root + "/flavors/{flavor_id}", &ComputeApi::show_flavor);
  add(router, "PUT", root + "/flavors/{flavor_id}", &ComputeApi::update_flavor);
  add(router, "DELETE", root + "/flavors/{flavor_id}", &ComputeApi::delete_flavor);
  add(router, "POST", root + "/flavors/{flavor_id}/action", &ComputeApi::flavor_action);
  add(router, "GET", root + "/flavors/{flavor_id}/os-flavor-access",
      &ComputeApi::list_flavor_access);
  const std::string specs = root + "/flavors/{flavor_id}/os-extra_specs";
  add(router, "GET", specs, &ComputeApi::list_extra_specs);
  add(router, "POST", specs, &ComputeApi::create_extra_specs);
  add(router, "GET", specs + "/{key}", &ComputeApi::show_extra_spec);
  add(router, "PUT", specs + "/{key}", &ComputeApi::update_extra_spec);
  add(router, "DELETE", specs + "/{key}", &ComputeApi::delete_extra_spec);

  add(router, "GET", root + "/os-keypairs", &ComputeApi::list_keypairs);
  add(router, "POST", root + "/os-keypairs", &ComputeApi::create_keypair);
  add(router, "GET", root + "/os-keypairs/{name}", &ComputeApi::show_keypair);
  add(router, "DELETE", root + "/os-keypairs/{name}", &ComputeApi::delete_keypair);

  add(router, "GET", root + "/servers", &ComputeApi::list_servers);
  add(router, "GET", root + "/servers/detail", &ComputeApi::list_servers_detail);
  add(router, "POST", root + "/servers", &ComputeApi::create_server);
  add(router, "GET", root + "/servers/{server_id}", &ComputeApi::show_server);
  add(router, "PUT", root + "/servers/{server_id}", &ComputeApi::update_server);
  add(router, "DELETE", root + "/servers/{server_id}", &ComputeApi::delete_server);
  add(router, "POST", root + "/servers/{server_id}/action", &ComputeApi::server_action);
  add(router, "GET", root + "/servers/{server_id}/ips", &ComputeApi::list_server_ips);
  add(router, "GET", root + "/servers/{server_id}/os-volume_attachments",
      &ComputeApi::list_volume_attachments);

  add(router, "GET", root + "/os-services", &ComputeApi::list_services);
  add(router, "PUT", root + "/os-services/{service_id}", &ComputeApi::update_service);
  add(router, "DELETE", root + "/os-services/{service_id}", &ComputeApi::delete_service);
  add(router, "GET", root + "/os-hypervisors", &ComputeApi::list_hypervisors);
  add(router, "GET", root + "/os-hypervisors/detail", &ComputeApi::list_hypervisors_detail);
  add(router, "GET", root + "/os-hypervisors/statistics", &ComputeApi::hypervisor_statistics);
  add(router, "GET", root + "/os-hypervisors/{hypervisor_id}", &ComputeApi::show_hypervisor);
  add(router, "GET", root + "/os-hypervisors/{pattern}/search", &ComputeApi::search_hypervisors);
  add(router, "GET", root + "/os-hypervisors/{hypervisor_id}/uptime",
      &ComputeApi::hypervisor_uptime);
  add(router, "GET", root + "/os-availability-zone", &ComputeApi::list_availability_zones);
  add(router, "GET", root + "/os-availability-zone/detail",
      &ComputeApi::list_availability_zones_detail);
  add(router, "GET", root + "/os-aggregates", &ComputeApi::list_aggregates);
  add(router, "GET", root + "/limits", &ComputeApi::show_limits);
  add(router, "GET", root + "/os-server-groups", &ComputeApi::list_server_groups);
  add(router, "POST", root + "/os-server-groups", &ComputeApi::create_server_group);
  add(router, "GET", root + "/os-server-groups/{group_id}", &ComputeApi::show_server_group);
  add(router, "DELETE", root + "/os-server-groups/{group_id}", &ComputeApi::delete_server_group);
  add(router, "GET", root + "/os-simple-tenant-usage", &ComputeApi::list_tenant_usages);
  add(router, "GET", root + "/os-simple-tenant-usage/{tenant_id}", &ComputeApi::show_tenant_usage);
}

void ComputeApi::add(http::Router& router, const std::string& method, const std::string& pattern,
                     Handler handler) {
  router.add(method, pattern,
             [this, handler](const http::Request& request, const http::PathParams& params) {
               return dispatch(request, params, handler);
             });
}

http::Response ComputeApi::dispatch(const http::Request& request, const http::PathParams& params,
                                    Handler handler) {
  const std::string base = base_url_(request);
  ApiVersion version = kMinVersion;
  http::Response response;
  try {
    version = requested_version(request);
    const auto token = request.header("x-auth-token");
    std::optional<identity::AuthContext> auth;
    if (token && !token->empty()) {
      auth = tokens_.validate(*token);
    }
    if (!auth || auth->project_id.empty()) {
      // keystonemiddleware answers before Nova sees the request, in Keystone's shape.
      return api::keystone_error_response(api::unauthorized())
          .with_header("WWW-Authenticate", "Keystone uri=\"" + base + "/v3\"");
    }
    const Call call{request, params, version, *auth, base + "/compute"};
    response = (this->*handler)(call);
  } catch (const api::ApiError& error) {
    response = api::nova_error_response(error);
  } catch (const Json::exception& error) {
    log::debug("malformed compute request ", request.method, " ", request.path, ": ", error.what());
    response = api::nova_error_response(api::bad_request("Malformed request body"));
  }
  add_version_headers(response, version);
  return response;
}

http::Response ComputeApi::versions(const http::Request& request) const {
  return http::Response::json(200,
                              {{"versions", Json::array({version_entry(base_url_(request))})}});
}

http::Response ComputeApi::version_v21(const http::Request& request) const {
  return http::Response::json(200, {{"version", version_entry(base_url_(request))}});
}

void ComputeApi::require_admin(const Call& call, const std::string& rule) {
  if (!call.auth.is_admin()) {
    throw api::forbidden("Policy doesn't allow " + rule + " to be performed.");
  }
}

}  // namespace neutrino::compute
