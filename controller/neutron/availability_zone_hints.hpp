#pragma once
// network_availability_zone's availability_zone_hints, checked as Neutron checks them: a list
// of unique strings that fits its 255-character column once stored as JSON, each the name of
// a zone some DHCP agent reports.
#include <string>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// Returns the hints as stored (JSON text). 400 for a malformed list, 404
// AvailabilityZoneNotFound for a zone no DHCP agent is in.
std::string checked_availability_zone_hints(store::SqlSession& s, const Json& hints);

}  // namespace neutrino::neutron
