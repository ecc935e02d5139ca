#include "controller/agents/availability_zones.hpp"

#include <map>
#include <utility>

#include "controller/agents/agent_service.hpp"

namespace neutrino::agents {

std::vector<Json> AvailabilityZones::list(store::SqlSession& s) {
  std::map<std::pair<std::string, std::string>, bool> zones;  // (name, resource) -> any up
  for (const auto& r :
       s.query("SELECT availability_zone, admin_state_up FROM agents WHERE agent_type = ? AND "
               "availability_zone IS NOT NULL AND availability_zone <> ''",
               {std::string(kDhcpAgentType)})) {
    bool& up = zones[{r.text(0), "network"}];
    up = up || r.boolean(1);
  }
  std::vector<Json> out;
  for (const auto& [key, up] : zones) {
    out.push_back({{"name", key.first},
                   {"resource", key.second},
                   {"state", up ? "available" : "unavailable"}});
  }
  return out;
}

std::set<std::string> AvailabilityZones::names(store::SqlSession& s, const std::string& resource) {
  std::set<std::string> out;
  for (const auto& zone : list(s)) {
    if (zone["resource"] == resource) {
      out.insert(zone["name"].get<std::string>());
    }
  }
  return out;
}

}  // namespace neutrino::agents
