#pragma once
// The list-valued attributes of ports, each kept in a table of its own: fixed_ips,
// security_groups, allowed_address_pairs, extra_dhcp_opts and tags. Read for a selection of
// ports at once, so that a page of ports costs the same five queries as one port.
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/id_selection.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class PortListAttributes {
 public:
  static PortListAttributes load(store::SqlSession& s, const IdSelection& ports);

  // Sets the five attributes of `port_id` on `port`, [] where it has none.
  void show(const std::string& port_id, Json& port) const;

 private:
  std::map<std::string, Json> fixed_ips_;
  std::map<std::string, std::vector<std::string>> security_groups_;
  std::map<std::string, Json> address_pairs_;
  std::map<std::string, Json> dhcp_options_;
  std::map<std::string, std::vector<std::string>> tags_;
};

}  // namespace neutrino::neutron
