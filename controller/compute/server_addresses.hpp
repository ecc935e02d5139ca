#pragma once
// A server's "addresses" as Nova shows them: the fixed IPs of its ports grouped by network
// name, each {"version", "addr", "OS-EXT-IPS:type": "fixed", "OS-EXT-IPS-MAC:mac_addr"}, in
// port order. Read straight from Neutron's tables (Nova reads its network info cache).
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

// For every given server id (missing ones get {}).
std::map<std::string, Json> load_addresses(store::SqlSession& s,
                                           const std::vector<std::string>& server_ids);

}  // namespace neutrino::compute
