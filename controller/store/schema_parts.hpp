#pragma once
#include <string>

// Migrations too long to sit in schema.cpp, one file per area. Private to the store.
namespace neutrino::store::schema_parts {

// Nova's tables: flavors, key pairs, compute services and nodes, and the compute columns of
// instances with their faults and ports.
const char* compute_migration();
// Glance's tables: images, their properties and tags.
const char* image_migration();
// Nova's server groups (instance_groups) and their members.
const char* server_group_migration();
// Keystone's groups and their members.
const char* identity_group_migration();
// Neutron's subnet pools, their prefixes, and subnets' subnetpool_id.
const char* subnet_pool_migration();
// Neutron's address scopes.
const char* address_scope_migration();
// Neutron's address groups and their addresses.
const char* address_group_migration();
// security-groups-remote-address-group: securitygrouprules.remote_address_group_id.
const char* remote_address_group_migration();
// Neutron's service flavors, service profiles and their bindings.
const char* network_flavor_migration();
// The change journal every write transaction appends to, and its head (change_journal.hpp):
// SQLite's form and PostgreSQL's, whose seq is a sequence.
const char* change_journal_migration();
const char* change_journal_migration_postgres();
// Neutron's routers, their ports and routes, and floating IPs.
const char* router_migration();
// Neutron's allowed address pairs and extra DHCP options of ports.
const char* port_options_migration();

// Neutron's RBAC policies (one table for every object type), with the wildcard policies of
// objects shared or external before the table existed.
std::string rbac_migration();
std::string rbac_migration_postgres();

}  // namespace neutrino::store::schema_parts
