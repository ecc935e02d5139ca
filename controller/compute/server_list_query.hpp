#pragma once
// GET /servers and /servers/detail as Nova reads their query: whose servers (the caller's
// project, or with all_tenants every project's, for admins), filters (name and ip as
// regular expressions, status, image, flavor, changes-since/-before, reservation_id; for
// admins also host, node, project_id, user_id, uuid, vm_state, task_state, power_state,
// availability_zone), and sorting (default created_at then id, newest first). Unknown
// parameters are ignored before 2.75 and refused from 2.75; admin-only filters from a member
// are ignored, as Nova's remove_invalid_options does.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/compute/microversion.hpp"
#include "controller/compute/server_record.hpp"
#include "controller/http/http_request.hpp"
#include "controller/identity/auth_context.hpp"

namespace neutrino::compute {

struct ServerListScope {
  std::optional<std::string> project_id;  // unset: every project
};

// Throws 403 for all_tenants from a member (Nova's policy error) and 400 for bad values.
ServerListScope server_list_scope(const http::QueryParams& query, const ApiVersion& version,
                                  const identity::AuthContext& ctx);

// Filters and sorts; `addresses` maps server id to its addresses (for ip=). Throws 400.
std::vector<ServerRecord> select_servers(std::vector<ServerRecord> servers,
                                         const std::map<std::string, Json>& addresses,
                                         const http::QueryParams& query, const ApiVersion& version,
                                         const identity::AuthContext& ctx);

}  // namespace neutrino::compute
