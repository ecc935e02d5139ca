#pragma once
// The attribute maps of the resources the API serves.
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::neutron {

const ResourceSchema& network_schema();
const ResourceSchema& subnet_schema();
const ResourceSchema& subnet_pool_schema();
const ResourceSchema& address_scope_schema();
const ResourceSchema& address_group_schema();
const ResourceSchema& port_schema();
const ResourceSchema& agent_schema();
const ResourceSchema& security_group_schema();
const ResourceSchema& security_group_rule_schema();
const ResourceSchema& router_schema();
const ResourceSchema& floating_ip_schema();

}  // namespace neutrino::neutron
