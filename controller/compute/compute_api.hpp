#pragma once
// The Nova v2.1 subset the OpenStack clients use, under <base>/compute as devstack serves it:
// version discovery, flavors (with access and extra specs), key pairs, servers with their
// actions and console output, compute services, hypervisors, availability zones, server groups,
// limits and usage. Every request is authenticated with X-Auth-Token, negotiated to a microversion
// (echoed in the response headers) and refused in Nova's fault format. Handlers are members split
// across compute_*_routes.cpp by resource; the logic lives in the services they call.
#include <functional>
#include <map>
#include <string>

#include "controller/compute/compute_hosts.hpp"
#include "controller/compute/compute_settings.hpp"
#include "controller/compute/console_log_source.hpp"
#include "controller/compute/microversion.hpp"
#include "controller/compute/server_group_store.hpp"
#include "controller/compute/server_operations.hpp"
#include "controller/http/router.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/store/database.hpp"

namespace neutrino::compute {

class ComputeApi {
 public:
  // The public base URL of the controller ("http://127.0.0.1:9696"), without the /compute.
  using BaseUrl = std::function<std::string(const http::Request&)>;

  ComputeApi(store::Database& db, identity::TokenValidator& tokens, ServerOperations& servers,
             ConsoleLogSource& consoles, const ComputeSettings& settings, BaseUrl base_url);

  void register_routes(http::Router& router);

 private:
  struct Call {
    const http::Request& request;
    const http::PathParams& params;
    ApiVersion version;
    const identity::AuthContext& auth;
    std::string base;  // "http://host:port/compute"

    const std::string& param(const std::string& name) const { return params.at(name); }
    bool at_least(int major, int minor) const { return version >= ApiVersion{major, minor}; }
  };
  using Handler = http::Response (ComputeApi::*)(const Call&);

  void add(http::Router& router, const std::string& method, const std::string& pattern,
           Handler handler);
  http::Response dispatch(const http::Request& request, const http::PathParams& params,
                          Handler handler);
  http::Response versions(const http::Request& request) const;
  http::Response version_v21(const http::Request& request) const;
  // 403 "Policy doesn't allow <rule> to be performed." unless the caller is admin.
  static void require_admin(const Call& call, const std::string& rule);

  // compute_flavor_routes.cpp
  http::Response list_flavors(const Call& call);
  http::Response list_flavors_detail(const Call& call);
  http::Response flavor_list(const Call& call, bool detail);
  http::Response show_flavor(const Call& call);
  http::Response create_flavor(const Call& call);
  http::Response update_flavor(const Call& call);
  http::Response delete_flavor(const Call& call);
  http::Response flavor_action(const Call& call);
  http::Response list_flavor_access(const Call& call);
  http::Response list_extra_specs(const Call& call);
  http::Response create_extra_specs(const Call& call);
  http::Response show_extra_spec(const Call& call);
  http::Response update_extra_spec(const Call& call);
  http::Response delete_extra_spec(const Call& call);

  // compute_keypair_routes.cpp
  http::Response list_keypairs(const Call& call);
  http::Response create_keypair(const Call& call);
  http::Response show_keypair(const Call& call);
  http::Response delete_keypair(const Call& call);
  // The user a key pair request acts for: the caller, or (2.10+, admin) ?user_id=.
  std::string keypair_user(const Call& call, const Json* body) const;

  // compute_server_routes.cpp
  http::Response list_servers(const Call& call);
  http::Response list_servers_detail(const Call& call);
  http::Response server_list(const Call& call, bool detail);
  http::Response show_server(const Call& call);
  http::Response create_server(const Call& call);
  http::Response update_server(const Call& call);
  http::Response delete_server(const Call& call);
  http::Response server_action(const Call& call);
  http::Response console_output(const Call& call, const Json& body);
  http::Response list_server_ips(const Call& call);
  http::Response list_volume_attachments(const Call& call);
  // 2.16's host_status of each host: UP, DOWN or MAINTENANCE (disabled).
  std::map<std::string, std::string> host_statuses(store::SqlSession& s) const;

  // compute_host_routes.cpp
  http::Response list_services(const Call& call);
  http::Response update_service(const Call& call);
  http::Response update_service_legacy(const Call& call);
  http::Response delete_service(const Call& call);
  http::Response list_hypervisors(const Call& call);
  http::Response list_hypervisors_detail(const Call& call);
  http::Response hypervisor_list(const Call& call, bool detail);
  http::Response show_hypervisor(const Call& call);
  http::Response search_hypervisors(const Call& call);
  http::Response hypervisor_uptime(const Call& call);
  http::Response hypervisor_statistics(const Call& call);
  http::Response list_availability_zones(const Call& call);
  http::Response list_availability_zones_detail(const Call& call);
  http::Response list_aggregates(const Call& call);
  Json hypervisor_detail(const ComputeHost& host, const ApiVersion& version) const;

  // compute_limit_routes.cpp
  http::Response show_limits(const Call& call);

  // compute_server_group_routes.cpp
  http::Response list_server_groups(const Call& call);
  http::Response create_server_group(const Call& call);
  http::Response show_server_group(const Call& call);
  http::Response delete_server_group(const Call& call);
  // The group of {group_id} if the caller's project owns it (or the caller is admin); 404
  // otherwise.
  ServerGroup visible_group(store::SqlSession& s, const Call& call) const;

  // compute_usage_routes.cpp
  http::Response show_tenant_usage(const Call& call);
  http::Response list_tenant_usages(const Call& call);

  store::Database& db_;
  identity::TokenValidator& tokens_;
  ServerOperations& servers_;
  ConsoleLogSource& consoles_;
  ComputeSettings settings_;
  BaseUrl base_url_;
};

}  // namespace neutrino::compute
