#pragma once
// The Neutron API extensions this server really implements, as GET /v2.0/extensions lists
// them. Clients (the openstack CLI among them) change what they send based on this list, so
// nothing is listed that is not implemented.
#include "common/json.hpp"

namespace neutrino::neutron {

const Json& supported_extensions();

}  // namespace neutrino::neutron
