#include "controller/neutron/dhcp_hosting.hpp"

#include "controller/agents/agent_service.hpp"

namespace neutrino::neutron {

std::vector<DhcpHostingRow> DhcpHosting::rows(store::SqlSession& s,
                                              const std::optional<std::string>& network_id,
                                              const std::optional<std::string>& host) {
  std::string sql =
      "SELECT h.network_id, a.id, a.host, a.availability_zone FROM ("
      "SELECT p.network_id AS network_id, b.host AS host FROM ports p JOIN ml2_port_bindings b "
      "ON b.port_id = p.id WHERE p.device_owner = 'network:dhcp' "
      "UNION SELECT network_id, host FROM networkdhcpagentchoices WHERE hosted = 1) h "
      "JOIN agents a ON a.host = h.host AND a.agent_type = ?";
  store::SqlParams params{std::string(agents::kDhcpAgentType)};
  if (network_id) {
    sql += " WHERE h.network_id = ?";
    params.emplace_back(*network_id);
  }
  if (host) {
    sql += network_id ? " AND a.host = ?" : " WHERE a.host = ?";
    params.emplace_back(*host);
  }
  std::vector<DhcpHostingRow> out;
  for (const auto& r : s.query(sql + " ORDER BY h.network_id, a.host", params)) {
    out.push_back({r.text(0), r.text(1), r.text(2), r.optional_text(3)});
  }
  return out;
}

std::map<std::string, std::set<std::string>> DhcpHosting::zones(
    store::SqlSession& s, const std::optional<std::string>& network_id) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& row : rows(s, network_id)) {
    if (row.availability_zone && !row.availability_zone->empty()) {
      out[row.network_id].insert(*row.availability_zone);
    }
  }
  return out;
}

}  // namespace neutrino::neutron
