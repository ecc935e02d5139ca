#pragma once
// The Neutron v2.0 REST front: version discovery, extensions, quotas, IP availability, and
// networks, subnets, ports, security groups and their rules with bulk create,
// filters/fields/sorting/pagination and the tags subresource. It authenticates every request
// (except version discovery) through a TokenValidator, runs each request in one store transaction,
// and renders refusals as NeutronError bodies.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "controller/agents/agent_service.hpp"
#include "controller/api/api_error.hpp"
#include "controller/http/router.hpp"
#include "controller/identity/token_validator.hpp"
#include "controller/neutron/address_group_service.hpp"
#include "controller/neutron/address_scope_service.hpp"
#include "controller/neutron/dhcp_agent_scheduler.hpp"
#include "controller/neutron/flavor_service.hpp"
#include "controller/neutron/floating_ip_service.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/network_settings.hpp"
#include "controller/neutron/port_binding_service.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/rbac_object_type.hpp"
#include "controller/neutron/rbac_policy_service.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/router_interfaces.hpp"
#include "controller/neutron/router_service.hpp"
#include "controller/neutron/security_group_rule_service.hpp"
#include "controller/neutron/security_group_service.hpp"
#include "controller/neutron/segment_allocator.hpp"
#include "controller/neutron/service_profile_service.hpp"
#include "controller/neutron/service_providers.hpp"
#include "controller/neutron/subnet_onboarding.hpp"
#include "controller/neutron/subnet_pool_service.hpp"
#include "controller/neutron/subnet_service.hpp"
#include "controller/store/database.hpp"

namespace neutrino::neutron {

// "http://127.0.0.1:9696": the URL clients reach this server at, for links.
using BaseUrl = std::function<std::string(const http::Request&)>;

class NeutronApi {
 public:
  NeutronApi(store::Database& db, identity::TokenValidator& tokens, const NetworkSettings& settings,
             BaseUrl base_url);

  void register_routes(http::Router& router);
  // Called after every committed change (the agent channel pushes deltas from it).
  void set_change_listener(std::function<void()> listener) { changed_ = std::move(listener); }
  const agents::AgentService& agents() const { return agents_; }
  // The port service, for the compute API's ports (it runs them in its own transactions).
  const PortService& ports() const { return ports_; }
  // Makes `host` hold exactly one network:dhcp port on each of `networks` (created with an
  // address on every DHCP-enabled subnet, bound to the host) and none elsewhere, less or more
  // as an admin chose through dhcp_agent_scheduler. The agent asks for this over its channel;
  // the ports are ordinary Neutron ports, listed by the API.
  void ensure_dhcp_ports(const std::string& host, const std::vector<std::string>& networks);

 private:
  // How the generic handlers reach one resource's service.
  struct Resource {
    const ResourceSchema* schema;
    std::function<Json(store::SqlSession&, const AuthContext&, const Json&)> create;
    std::function<Json(store::SqlSession&, const AuthContext&, const std::string&)> show;
    // Every item the caller may see; a service may use the query to load fewer (see
    // SqlPrefilter), the list engine applies it in full afterwards.
    std::function<std::vector<Json>(store::SqlSession&, const AuthContext&, const ListQuery&)> list;
    std::function<Json(store::SqlSession&, const AuthContext&, const std::string&, const Json&)>
        update;
    std::function<void(store::SqlSession&, const AuthContext&, const std::string&)> remove;
    std::function<void(store::SqlSession&, const std::string&)> touch;
    std::function<api::ApiError(const std::string&)> not_found;
    bool taggable = true;
    // Filterable attributes the list items carry but never show (see ListTarget::hidden).
    std::set<std::string> hidden_filters = {};
    // Runs in a write transaction before a list (security groups create the default group).
    std::function<void(store::SqlSession&, const AuthContext&, const http::QueryParams&)>
        prepare_list = nullptr;
    // The collection's URL segment when not the schema's (service_profiles).
    std::string path = {};
  };

  // The generic handlers' view of one service.
  template <typename Service>
  static Resource bind(const Service& service, const ResourceSchema& schema,
                       void (*touch)(store::SqlSession&, const std::string&),
                       const std::string& label);
  Resource agents_resource();
  void register_resource(http::Router& router, const Resource& resource);
  void register_tags(http::Router& router, const Resource& resource);
  // PUT /v2.0/subnetpools/{id}/add_prefixes and .../remove_prefixes.
  void register_prefix_ops(http::Router& router);
  // /v2.0/quotas and its per-project routes (quota_routes.cpp).
  void register_quota_routes(http::Router& router);
  // /v2.0/network-ip-availabilities (ip_availability_routes.cpp).
  void register_ip_availability_routes(http::Router& router);
  // PUT /v2.0/address-groups/{id}/add_addresses and .../remove_addresses
  // (address_group_routes.cpp).
  void register_address_group_actions(http::Router& router);
  // /v2.0/ports/{id}/bindings (port_binding_routes.cpp).
  void register_port_binding_routes(http::Router& router);
  // PUT /v2.0/subnetpools/{id}/onboard_network_subnets (subnet_onboarding_routes.cpp).
  void register_subnet_onboarding_routes(http::Router& router);
  // /v2.0/availability_zones and /v2.0/service-providers (agent_extension_routes.cpp).
  void register_agent_extension_routes(http::Router& router);
  // Flavors and service profiles, and flavors' profile bindings (flavor_routes.cpp).
  void add_flavor_resources();
  void register_flavor_binding_routes(http::Router& router);
  // /v2.0/agents/{id}/dhcp-networks and /v2.0/networks/{id}/dhcp-agents
  // (dhcp_agent_scheduler_routes.cpp).
  void register_dhcp_agent_scheduler_routes(http::Router& router);
  // PUT /v2.0/routers/{id}/add_router_interface and .../remove_router_interface (l3_routes.cpp).
  void register_router_interface_routes(http::Router& router);

  AuthContext authenticate(const http::Request& request) const;
  http::Response list(const Resource& r, const http::Request& request);
  http::Response create(const Resource& r, const http::Request& request);
  http::Response show(const Resource& r, const http::Request& request, const std::string& id);
  http::Response update(const Resource& r, const http::Request& request, const std::string& id);
  http::Response remove(const Resource& r, const http::Request& request, const std::string& id);
  // Tag changes need ownership of the resource and bump its revision.
  void check_tag_owner(store::SqlSession& s, const Resource& r, const AuthContext& ctx,
                       const std::string& id) const;

  http::Response versions(const http::Request& request) const;
  http::Response resources(const http::Request& request) const;

  store::Database& db_;
  identity::TokenValidator& tokens_;
  agents::AgentService agents_;
  SegmentAllocator segments_;
  NetworkService networks_;
  SubnetService subnets_;
  SubnetPoolService subnet_pools_;
  SubnetOnboarding subnet_onboarding_{subnet_pools_};
  AddressScopeService address_scopes_;
  PortService ports_;
  PortBindingService port_bindings_;
  DhcpAgentScheduler dhcp_scheduler_{agents_, networks_, ports_};
  SecurityGroupService security_groups_;
  SecurityGroupRuleService security_group_rules_;
  AddressGroupService address_groups_;
  ServiceProviders service_providers_;
  FlavorService flavors_{{"FLAVORS"}};  // the service plugins loaded: only flavors itself
  ServiceProfileService service_profiles_{service_providers_};
  L3Ports l3_ports_;
  RouterService routers_;
  RouterInterfaces router_interfaces_;
  FloatingIpService floating_ips_;
  RbacObjectTypes rbac_types_ = builtin_rbac_object_types();
  RbacPolicyService rbac_policies_{rbac_types_};
  BaseUrl base_url_;
  std::vector<Resource> resources_;
  std::function<void()> changed_ = [] {};
};

// Parses a JSON request body; 400 "Body contains invalid data" unless it is a JSON object.
Json parse_body(const http::Request& request);

}  // namespace neutrino::neutron
