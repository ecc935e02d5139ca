#include "controller/neutron/resource_schemas.hpp"

namespace neutrino::neutron {
namespace {
using T = AttrType;
// Attributes every resource has (standard attributes, ownership).
std::vector<AttributeSpec> with_standard(std::vector<AttributeSpec> specific) {
  std::vector<AttributeSpec> all = {
      {"id", T::kString, false, false},           {"name", T::kString, true, true},
      {"description", T::kString, true, true},    {"project_id", T::kString, true, false},
      {"tenant_id", T::kString, true, false},     {"tags", T::kList, true, false},
      {"revision_number", T::kInt, false, false}, {"created_at", T::kString, false, false},
      {"updated_at", T::kString, false, false},
  };
  all.insert(all.end(), specific.begin(), specific.end());
  return all;
}
}  // namespace

const ResourceSchema& network_schema() {
  static const ResourceSchema schema(
      "network", "networks",
      with_standard({
          {"admin_state_up", T::kBool, true, true},
          {"status", T::kString, false, false},
          {"subnets", T::kList, false, false},
          {"shared", T::kBool, true, true},
          {"router:external", T::kBool, true, true},
          {"mtu", T::kInt, true, true},
          {"port_security_enabled", T::kBool, true, true},
          {"provider:network_type", T::kString, true, true},
          {"provider:physical_network", T::kNullableString, true, true},
          {"provider:segmentation_id", T::kNullableInt, true, true},
          {"segments", T::kAny, true, true},
          {"availability_zone_hints", T::kAny, true, false},
          {"availability_zones", T::kList, false, false},
      }));
  return schema;
}

const ResourceSchema& subnet_schema() {
  static const ResourceSchema schema("subnet", "subnets",
                                     with_standard({
                                         {"network_id", T::kUuid, true, false, true},
                                         {"ip_version", T::kInt, true, false, true},
                                         {"cidr", T::kNullableString, true, false},
                                         {"prefixlen", T::kAny, true, false},
                                         {"use_default_subnetpool", T::kBool, true, false},
                                         {"gateway_ip", T::kNullableString, true, true},
                                         {"enable_dhcp", T::kBool, true, true},
                                         {"allocation_pools", T::kList, true, true},
                                         {"dns_nameservers", T::kList, true, true},
                                         {"host_routes", T::kList, true, true},
                                         {"subnetpool_id", T::kNullableString, true, false},
                                         {"ipv6_ra_mode", T::kNullableString, true, false},
                                         {"ipv6_address_mode", T::kNullableString, true, false},
                                         {"service_types", T::kAny, true, true},
                                     }));
  return schema;
}

const ResourceSchema& subnet_pool_schema() {
  // Prefix lengths are converted by the service, which shows them as strings like Neutron.
  static const ResourceSchema schema("subnetpool", "subnetpools",
                                     with_standard({
                                         {"prefixes", T::kList, true, true, true},
                                         {"ip_version", T::kInt, false, false},
                                         {"default_prefixlen", T::kAny, true, true},
                                         {"min_prefixlen", T::kAny, true, true},
                                         {"max_prefixlen", T::kAny, true, true},
                                         {"shared", T::kBool, true, false},
                                         {"is_default", T::kBool, true, true},
                                         {"default_quota", T::kNullableInt, true, true},
                                         {"address_scope_id", T::kNullableString, true, true},
                                     }));
  return schema;
}

const ResourceSchema& address_scope_schema() {
  // Not a standard-attribute resource in Neutron: no description, tags or revision.
  static const ResourceSchema schema("address_scope", "address_scopes",
                                     {
                                         {"id", T::kString, false, false},
                                         {"name", T::kString, true, true},
                                         {"project_id", T::kString, true, false},
                                         {"tenant_id", T::kString, true, false},
                                         {"shared", T::kBool, true, true},
                                         {"ip_version", T::kInt, true, false, true},
                                     });
  return schema;
}

const ResourceSchema& address_group_schema() {
  // Addresses are validated and normalised by the service; after create they change only
  // through the add_addresses / remove_addresses actions.
  static const ResourceSchema schema("address_group", "address_groups",
                                     with_standard({
                                         {"addresses", T::kAny, true, false},
                                     }));
  return schema;
}

const ResourceSchema& port_schema() {
  static const ResourceSchema schema(
      "port", "ports",
      with_standard({
          {"network_id", T::kUuid, true, false, true},
          {"admin_state_up", T::kBool, true, true},
          {"status", T::kString, false, false},
          {"mac_address", T::kNullableString, true, true},  // null: a new one
          {"fixed_ips", T::kList, true, true},
          {"device_id", T::kString, true, true},
          {"device_owner", T::kString, true, true},
          {"port_security_enabled", T::kBool, true, true},
          {"binding:host_id", T::kString, true, true},
          {"binding:profile", T::kDict, true, true},
          {"binding:vnic_type", T::kString, true, true},
          {"binding:vif_type", T::kString, false, false},
          {"binding:vif_details", T::kDict, false, false},
          {"security_groups", T::kAny, true, true},
          {"numa_affinity_policy", T::kAny, true, true},  // checked by PortDeviceAttributes
          {"device_profile", T::kNullableString, true, false},
          {"allowed_address_pairs", T::kAny, true, true},
          {"extra_dhcp_opts", T::kAny, true, true},
      }));
  return schema;
}

const ResourceSchema& security_group_schema() {
  static const ResourceSchema schema("security_group", "security_groups",
                                     with_standard({
                                         {"stateful", T::kBool, true, true},
                                         {"shared", T::kBool, false, false},
                                         {"security_group_rules", T::kList, false, false},
                                     }));
  return schema;
}

const ResourceSchema& security_group_rule_schema() {
  // Not named: a rule has no "name". Values are converted by the rule service, with
  // Neutron's own error types (SecurityGroupInvalidPortValue, ...).
  static const ResourceSchema schema(
      "security_group_rule", "security_group_rules",
      {
          {"id", T::kString, false, false},
          {"description", T::kNullableString, true, true},
          {"project_id", T::kString, true, false},
          {"tenant_id", T::kString, true, false},
          {"tags", T::kList, false, false},
          {"revision_number", T::kInt, false, false},
          {"created_at", T::kString, false, false},
          {"updated_at", T::kString, false, false},
          {"security_group_id", T::kString, true, false, true, 36},
          {"remote_group_id", T::kNullableString, true, false},
          {"remote_address_group_id", T::kNullableString, true, false},
          {"direction", T::kAny, true, false, true},
          {"protocol", T::kAny, true, false},
          {"port_range_min", T::kAny, true, false},
          {"port_range_max", T::kAny, true, false},
          {"ethertype", T::kAny, true, false},
          {"remote_ip_prefix", T::kAny, true, false},
          {"normalized_cidr", T::kString, false, false},
      });
  return schema;
}

const ResourceSchema& agent_schema() {
  // Agents are not standard-attribute resources: no name, project or tags.
  static const ResourceSchema schema("agent", "agents",
                                     {
                                         {"id", T::kString, false, false},
                                         {"agent_type", T::kString, false, false},
                                         {"binary", T::kString, false, false},
                                         {"topic", T::kString, false, false},
                                         {"host", T::kString, false, false},
                                         {"admin_state_up", T::kBool, false, true},
                                         {"description", T::kNullableString, false, true},
                                         {"availability_zone", T::kString, false, false},
                                         {"configurations", T::kDict, false, false},
                                         {"created_at", T::kString, false, false},
                                         {"started_at", T::kString, false, false},
                                         {"heartbeat_timestamp", T::kString, false, false},
                                         {"alive", T::kBool, false, false},
                                         {"resources_synced", T::kBool, false, false},
                                     });
  return schema;
}

const ResourceSchema& router_schema() {
  // external_gateway_info (a dict or null) and routes are checked by the router services.
  static const ResourceSchema schema("router", "routers",
                                     with_standard({
                                         {"admin_state_up", T::kBool, true, true},
                                         {"status", T::kString, false, false},
                                         {"external_gateway_info", T::kAny, true, true},
                                         {"routes", T::kAny, false, true},
                                     }));
  return schema;
}

const ResourceSchema& floating_ip_schema() {
  // No name: floating IPs have only the description of the standard attributes. subnet_id
  // is accepted on create and never shown, as in Neutron.
  static const ResourceSchema schema("floatingip", "floatingips",
                                     {
                                         {"id", T::kString, false, false},
                                         {"description", T::kString, true, true},
                                         {"project_id", T::kString, true, false},
                                         {"tenant_id", T::kString, true, false},
                                         {"tags", T::kList, true, false},
                                         {"revision_number", T::kInt, false, false},
                                         {"created_at", T::kString, false, false},
                                         {"updated_at", T::kString, false, false},
                                         {"floating_network_id", T::kUuid, true, false, true},
                                         {"floating_ip_address", T::kNullableString, true, false},
                                         {"subnet_id", T::kNullableString, true, false},
                                         {"port_id", T::kNullableString, true, true},
                                         {"fixed_ip_address", T::kNullableString, true, true},
                                         {"router_id", T::kString, false, false},
                                         {"status", T::kString, false, false},
                                         {"port_details", T::kAny, false, false},
                                     });
  return schema;
}

}  // namespace neutrino::neutron
