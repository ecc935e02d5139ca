#include "controller/channel/port_option_objects.hpp"

#include <set>

namespace neutrino::channel {
namespace {

constexpr const char* kPortsJoin =
    " JOIN ports p ON p.id = o.port_id JOIN ml2_port_bindings b ON b.port_id = p.id ";

}  // namespace

std::map<std::string, Json> address_pairs_by_port(store::SqlSession& s, const std::string& where,
                                                  const store::SqlParams& params) {
  std::map<std::string, Json> out;
  for (const auto& r :
       s.query("SELECT o.port_id, o.ip_address, o.mac_address FROM "
               "allowedaddresspairs o" +
                   std::string(kPortsJoin) + where + " ORDER BY o.port_id, o.position",
               params)) {
    out[r.text(0)].push_back({{"ip_address", r.text(1)}, {"mac_address", r.text(2)}});
  }
  return out;
}

std::map<std::string, Json> dhcp_opts_by_port(store::SqlSession& s, const std::string& where,
                                              const store::SqlParams& params) {
  std::map<std::string, Json> out;
  for (const auto& r :
       s.query("SELECT o.port_id, o.opt_name, o.opt_value, o.ip_version FROM "
               "extradhcpopts o" +
                   std::string(kPortsJoin) + where + " ORDER BY o.port_id, o.position",
               params)) {
    out[r.text(0)].push_back(
        {{"opt_name", r.text(1)}, {"opt_value", r.text(2)}, {"ip_version", r.integer(3)}});
  }
  return out;
}

Json remote_group_addresses(store::SqlSession& s, const std::string& group_id) {
  std::set<std::string> addresses;
  for (const char* table : {"ipallocations", "allowedaddresspairs"}) {
    for (const auto& r : s.query(std::string("SELECT a.ip_address FROM ") + table +
                                     " a JOIN securitygroupportbindings g ON g.port_id = "
                                     "a.port_id WHERE g.security_group_id = ?",
                                 {group_id})) {
      addresses.insert(r.text(0));
    }
  }
  return addresses;
}

}  // namespace neutrino::channel
