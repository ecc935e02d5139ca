#pragma once
// The flavors extension's resources (neutron-lib's flavors definition): flavors of advanced
// services and the service profiles (driver + metainfo) a flavor is made of.
#include "controller/neutron/resource_schema.hpp"

namespace neutrino::neutron {

const ResourceSchema& flavor_schema();
const ResourceSchema& service_profile_schema();

}  // namespace neutrino::neutron
