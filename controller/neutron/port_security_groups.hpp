#pragma once
// The security_groups attribute of ports (securitygroupportbindings), with Neutron's rules:
// the project's default group unless told otherwise, none for network:* ports, none when port
// security is off (and refusals when a request would break that).
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/id_selection.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct PortGroupsRequest {
  std::string port_id;
  std::string project_id;     // the port's
  std::string device_owner;   // the port's after the request
  bool port_security = true;  // the port's after the request
};

class PortSecurityGroups {
 public:
  // Binds a new port's groups: the requested ones or the project's default group.
  static void on_create(store::SqlSession& s, const AuthContext& ctx, const PortGroupsRequest& port,
                        const Json& attributes);
  // Checks an update against port security and applies its security_groups, if any. Runs
  // before the port's own columns change.
  static void on_update(store::SqlSession& s, const AuthContext& ctx, const PortGroupsRequest& port,
                        const Json& attributes);
  // Group ids per port (sorted), for the ports selected.
  static std::map<std::string, std::vector<std::string>> load(store::SqlSession& s,
                                                              const IdSelection& ports);
};

}  // namespace neutrino::neutron
