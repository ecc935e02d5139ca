#pragma once
// Availability zones as Neutron derives them from its agents: every zone a DHCP agent reports
// is a zone for networks (L3 agents' zones are for routers; we have none). A zone is
// "available" while at least one of its agents is administratively up, whether or not that
// agent is alive, as in Neutron's agents_db.
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::agents {

class AvailabilityZones {
 public:
  // {"name", "resource", "state"} per (zone, resource), ordered by name then resource.
  static std::vector<Json> list(store::SqlSession& s);
  // The names of zones for `resource` ("network").
  static std::set<std::string> names(store::SqlSession& s, const std::string& resource);
};

}  // namespace neutrino::agents
