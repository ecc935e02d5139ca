#pragma once
// Which hosts' DHCP agents serve which networks (dhcp_agent_scheduler's truth). A host's agent
// serves a network when it holds the network's network:dhcp port (it runs qdhcp-<network>
// there), or when an admin added the network to it before the network had a DHCP subnet.
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct DhcpHostingRow {
  std::string network_id;
  std::string agent_id;  // the host's DHCP agent
  std::string host;
  std::optional<std::string> availability_zone;
};

class DhcpHosting {
 public:
  // Every (network, DHCP agent) pair, or those of one network or of one host; ordered by
  // network then host.
  static std::vector<DhcpHostingRow> rows(store::SqlSession& s,
                                          const std::optional<std::string>& network_id,
                                          const std::optional<std::string>& host = std::nullopt);
  // Network id -> the zones of the DHCP agents serving it (network_availability_zone).
  static std::map<std::string, std::set<std::string>> zones(
      store::SqlSession& s, const std::optional<std::string>& network_id);
};

}  // namespace neutrino::neutron
