#include "controller/neutron/extensions.hpp"

namespace neutrino::neutron {
namespace {
Json extension(const char* alias, const char* name, const char* description) {
  return {{"alias", alias},
          {"name", name},
          {"description", description},
          {"updated", "2013-01-01T10:00:00-00:00"},
          {"links", Json::array()}};
}
}  // namespace

const Json& supported_extensions() {
  static const Json list = Json::array({
      extension("project-id", "project_id field enabled",
                "Extension that indicates that project_id field is enabled."),
      extension("standard-attr-description", "standard-attr-description",
                "Extension to add descriptions to standard attributes"),
      extension("standard-attr-revisions", "Resource revision numbers",
                "This extension will display the revision number of neutron resources."),
      extension("revision-if-match", "If-Match constraints based on revision_number",
                "Adds support for If-Match constraints based on revision_number on the API"),
      extension("standard-attr-timestamp", "Resource timestamps",
                "Adds created_at and updated_at fields to all Neutron resources that have "
                "Neutron standard attributes."),
      extension("standard-attr-tag", "Tag support for resources with standard attribute",
                "Enables to set tag on resources with standard attribute."),
      extension("binding", "Port Binding",
                "Expose port bindings of a virtual port to external "
                "application"),
      extension("provider", "Provider Network",
                "Expose mapping of virtual networks to physical "
                "networks"),
      extension("multi-provider", "Multi Provider Network",
                "Expose mapping of virtual networks to multiple physical networks"),
      extension("external-net", "Neutron external network",
                "Adds external network attribute to network resource."),
      extension("port-security", "Port Security", "Provides port security"),
      extension("security-group", "security-group", "The security groups extension."),
      extension("net-mtu", "Network MTU", "Provides MTU attribute for a network resource."),
      extension("net-mtu-writable", "Network MTU (writable)",
                "Provides a writable MTU attribute for a network resource."),
      extension("pagination", "Pagination support",
                "Extension that indicates that pagination "
                "is enabled."),
      extension("sorting", "Sorting support",
                "Extension that indicates that sorting is "
                "enabled."),
      extension("subnet_allocation", "Subnet Allocation",
                "Enables allocation of subnets from a subnet pool"),
      extension("default-subnetpools", "Default Subnetpools",
                "Provides ability to mark and use a subnetpool as the default."),
      extension("subnetpool-prefix-ops", "Subnet Pool Prefix Operations",
                "Provides support for adjusting the prefix list of subnet pools"),
      extension("address-scope", "Address scope", "Address scopes extension."),
      extension("filter-validation", "Filter parameters validation",
                "Provides validation on filtering parameters."),
      extension("empty-string-filtering", "Empty String Filtering Extension",
                "Allow filtering by attributes with empty string value"),
      extension("ip-substring-filtering", "IP address substring filtering",
                "Provides IP address substring filtering when listing ports"),
      extension("security-groups-normalized-cidr", "Normalized CIDR field for security group rules",
                "Add new field with normalized remote_ip_prefix cidr in SG rule"),
      extension("port-security-groups-filtering", "Port filtering on security groups",
                "Provides security groups filtering when listing ports"),
      extension("port-mac-address-regenerate", "Neutron Port MAC address regenerate",
                "Network port MAC address regenerate"),
      extension("network-ip-availability", "Network IP Availability",
                "Provides IP availability data for each network and subnet."),
      extension("quotas", "Quota management support",
                "Expose functions for quotas management per project"),
      extension("quota_details", "Quota details management support",
                "Expose functions for quotas usage statistics per project"),
      extension("quota-check-limit", "Quota engine limit check",
                "Support for checking the resource usage before applying a new quota limit"),
      extension("stateful-security-group", "Stateful security group",
                "Indicates if the security group is stateful or not"),
      extension("address-group", "Address group", "Support address group"),
      extension("port-numa-affinity-policy", "Port NUMA affinity policy",
                "Expose the port NUMA affinity policy"),
      extension("port-numa-affinity-policy-socket", "Port NUMA affinity policy \"socket\"",
                "Adds \"socket\" to the supported port NUMA affinity policies"),
      extension("port-device-profile", "Port device profile",
                "Expose the port device profile (Cyborg)"),
      extension("subnet-service-types", "Subnet service types",
                "Provides ability to set the subnet service_types field"),
      extension("port-mac-override", "Neutron Port MAC address override",
                "Allow overriding the MAC address of a direct-physical Port via the active "
                "binding profile"),
      extension("subnet_onboard", "Subnet Onboard",
                "Provides support for onboarding subnets into subnet pools"),
      extension("binding-extended", "Port Bindings Extended",
                "Expose port bindings of a virtual port to external application"),
      extension("agent", "agent", "The agent management extension."),
      extension("agent-resources-synced", "Agent's Resource View Synced to Placement",
                "Stores success/failure of last sync to Placement"),
      extension("availability_zone", "Availability Zone", "The availability zone extension."),
      extension("availability_zone_filter", "Availability Zone Filter Extension",
                "Add filter parameters to AvailabilityZone resource"),
      extension("network_availability_zone", "Network Availability Zone",
                "Availability zone support for network."),
      extension("dhcp_agent_scheduler", "DHCP Agent Scheduler",
                "Schedule networks among dhcp agents"),
      extension("service-type", "Neutron Service Type Management",
                "API for retrieving service providers for Neutron advanced services"),
      extension("flavors", "Neutron Service Flavors",
                "Flavor specification for Neutron advanced services."),
      // router, ext-gw-mode, extraroute, fip-port-details: served, advertised with the L3 pipeline.
      extension("allowed-address-pairs", "Allowed Address Pairs", "Provides allowed address pairs"),
      extension("extra_dhcp_opt", "Neutron Extra DHCP options",
                "Extra options configuration for DHCP. For example PXE boot options to DHCP "
                "clients can be specified (e.g. tftp-server, server-ip-address, bootfile-name)"),
      extension("rbac-policies", "RBAC Policies",
                "Allows creation and modification of policies that control tenant access to "
                "resources."),
      extension("rbac-security-groups", "Add security_group type to network RBAC",
                "Add security_group type to network RBAC"),
      extension("rbac-address-scope", "Add address_scope type to RBAC",
                "Add address_scope type to RBAC"),
      extension("rbac-subnetpool", "Add subnetpool type to RBAC", "Add subnetpool type to RBAC"),
      extension("security-groups-shared-filtering", "Security group filtering on the shared field",
                "Support filtering security groups on the shared field"),
  });
  return list;
}

}  // namespace neutrino::neutron
