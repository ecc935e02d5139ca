#pragma once
// Which networks and ports a new server gets, validated as Nova's network API validates a
// boot request: named networks must exist for the caller and have a subnet; given ports
// must be the caller's, unused and addressed; with no networks named, the project's one
// network (else the one shared network) is used, and more than one is ambiguous. Also the
// security groups the server's new ports get.
#include <optional>
#include <string>
#include <vector>

#include "controller/compute/server_create_request.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct PlannedNic {
  std::string network_id;
  std::optional<std::string> port_id;  // a port the user gave
  std::optional<std::string> fixed_ip;
  bool port_security = true;
};

// Throws api::ApiError with Nova's status and message.
std::vector<PlannedNic> plan_networks(store::SqlSession& s, const identity::AuthContext& ctx,
                                      const ServerCreateRequest& request);

struct ServerSecurityGroups {
  std::vector<std::string> ids;    // for the ports Nova creates; empty: Neutron's default
  std::vector<std::string> names;  // for the instance record ("default" when none asked)
};

// Resolves names or ids among the project's Neutron security groups ("default" is created
// if missing). 400 "Security group <x> not found.", 409 when a name matches several.
ServerSecurityGroups resolve_security_groups(store::SqlSession& s, const identity::AuthContext& ctx,
                                             const std::vector<std::string>& requested);

}  // namespace neutrino::compute
