#pragma once
// The allowed_address_pairs and extra_dhcp_opts members of a host's "port:" objects (and the
// pairs of its "remote:" objects), read the way build_host_state reads fixed IPs: per port,
// for the ports a join on ports p and ml2_port_bindings b selects with `where`.
#include <map>
#include <string>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::channel {

// [{"ip_address", "mac_address"}] per port, in the order given.
std::map<std::string, Json> address_pairs_by_port(store::SqlSession& s, const std::string& where,
                                                  const store::SqlParams& params);
// [{"opt_name", "opt_value", "ip_version"}] per port, in the order added.
std::map<std::string, Json> dhcp_opts_by_port(store::SqlSession& s, const std::string& where,
                                              const store::SqlParams& params);
// A remote group's member addresses: its ports' fixed IPs and allowed address pairs.
Json remote_group_addresses(store::SqlSession& s, const std::string& group_id);

}  // namespace neutrino::channel
