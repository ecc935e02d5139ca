#include "controller/compute/server_addresses.hpp"

#include <set>

namespace neutrino::compute {

std::map<std::string, Json> load_addresses(store::SqlSession& s,
                                           const std::vector<std::string>& server_ids) {
  std::map<std::string, Json> out;
  const std::set<std::string> wanted(server_ids.begin(), server_ids.end());
  for (const auto& id : server_ids) {
    out[id] = Json::object();
  }
  for (const auto& r :
       s.query("SELECT ip.instance_uuid, n.name, n.id, p.mac_address, a.ip_address, sn.ip_version "
               "FROM instance_ports ip JOIN ports p ON p.id = ip.port_id "
               "JOIN networks n ON n.id = p.network_id "
               "JOIN ipallocations a ON a.port_id = p.id JOIN subnets sn ON sn.id = a.subnet_id "
               "ORDER BY ip.instance_uuid, ip.position, a.position")) {
    if (!wanted.contains(r.text(0))) {
      continue;
    }
    // A network without a name shows under its id, so addresses never merge under "".
    const std::string label = r.text(1).empty() ? r.text(2) : r.text(1);
    out[r.text(0)][label].push_back({{"version", r.integer(5)},
                                     {"addr", r.text(4)},
                                     {"OS-EXT-IPS:type", "fixed"},
                                     {"OS-EXT-IPS-MAC:mac_addr", r.text(3)}});
  }
  return out;
}

}  // namespace neutrino::compute
