#pragma once
// The extra_dhcp_opts attribute of ports (extra_dhcp_opt): DHCP options, by dnsmasq name or
// number, that the port's DHCP server sends to that port only. Neutron's validation; an update
// merges by (opt_name, ip_version) and an opt_value of null removes that option.
#include <map>
#include <string>

#include "common/json.hpp"
#include "controller/neutron/id_selection.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class ExtraDhcpOpts {
 public:
  // Neutron's limits on names and values.
  static constexpr size_t kMaxNameLength = 64;
  static constexpr size_t kMaxValueLength = 255;

  // Throws 400 "Invalid input for extra_dhcp_opts. Reason: ..." for a malformed request. A
  // request without the attribute passes.
  static void validate(const Json& attributes);
  // Stores a new port's options (those with a value).
  static void on_create(store::SqlSession& s, const std::string& port_id, const Json& attributes);
  // Merges the requested options into the port's, if the request names them.
  static void on_update(store::SqlSession& s, const std::string& port_id, const Json& attributes);
  // [{"opt_name", "opt_value", "ip_version"}] per port, in the order added, for the ports
  // selected.
  static std::map<std::string, Json> load(store::SqlSession& s, const IdSelection& ports);
};

}  // namespace neutrino::neutron
