#include "controller/compute/server_networks.hpp"

#include "controller/api/api_error.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/security_group_service.hpp"

namespace neutrino::compute {
namespace {

struct NetworkRow {
  std::string id;
  std::string project_id;
  bool shared = false;
  bool external = false;
  bool port_security = true;
};

std::optional<NetworkRow> find_network(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT id, project_id, shared, router_external, port_security_enabled FROM networks "
      "WHERE id = ?",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  return NetworkRow{rows[0].text(0), rows[0].text(1), rows[0].boolean(2), rows[0].boolean(3),
                    rows[0].boolean(4)};
}

bool has_subnet(store::SqlSession& s, const std::string& network_id) {
  return !s.query("SELECT 1 FROM subnets WHERE network_id = ? LIMIT 1", {network_id}).empty();
}

PlannedNic network_nic(store::SqlSession& s, const identity::AuthContext& ctx,
                       const std::string& id, const std::optional<std::string>& fixed_ip) {
  const auto network = find_network(s, id);
  // Shared with the caller by an RBAC policy (to it or to all), as Nova asks Neutron.
  if (!network ||
      !(ctx.is_admin() || network->project_id == ctx.project_id ||
        neutron::RbacAccess::granted(s, "network", id, neutron::kAccessAsShared, ctx.project_id))) {
    throw api::bad_request("Network " + id + " could not be found.", "NetworkNotFound");
  }
  if (network->external && !ctx.is_admin()) {
    throw api::forbidden("It is not allowed to create an interface on external network " + id,
                         "ExternalNetworkAttachForbidden");
  }
  if (!has_subnet(s, id)) {
    throw api::bad_request("Network " + id + " requires a subnet in order to boot instances on.",
                           "NetworkRequiresSubnet");
  }
  return {id, std::nullopt, fixed_ip, network->port_security};
}

PlannedNic port_nic(store::SqlSession& s, const identity::AuthContext& ctx,
                    const std::string& port_id) {
  const auto rows = s.query(
      "SELECT p.network_id, p.project_id, p.device_id, p.port_security_enabled FROM ports p "
      "WHERE p.id = ?",
      {port_id});
  if (rows.empty() || !(ctx.is_admin() || rows[0].text(1) == ctx.project_id)) {
    throw api::bad_request("Port id " + port_id + " could not be found.", "PortNotFound");
  }
  if (!rows[0].text(2).empty()) {
    throw api::conflict("PortInUse", "Port " + port_id + " is still in use.");
  }
  if (s.query("SELECT 1 FROM ipallocations WHERE port_id = ? LIMIT 1", {port_id}).empty()) {
    throw api::bad_request("Port " + port_id + " requires a FixedIP in order to be used.",
                           "PortRequiresFixedIP");
  }
  return {rows[0].text(0), port_id, std::nullopt, rows[0].boolean(3)};
}

// Nova's _get_available_networks: the project's own networks, else the shared ones.
std::vector<std::string> available_networks(store::SqlSession& s, const std::string& project) {
  std::vector<std::string> ids;
  for (const auto& r : s.query("SELECT id FROM networks WHERE project_id = ? AND router_external "
                               "= 0 ORDER BY created_at",
                               {project})) {
    ids.push_back(r.text(0));
  }
  if (ids.empty()) {
    for (const auto& r : s.query("SELECT id FROM networks WHERE shared = 1 AND router_external = "
                                 "0 ORDER BY created_at")) {
      ids.push_back(r.text(0));
    }
  }
  return ids;
}

}  // namespace

std::vector<PlannedNic> plan_networks(store::SqlSession& s, const identity::AuthContext& ctx,
                                      const ServerCreateRequest& request) {
  using Mode = ServerCreateRequest::Networks;
  std::vector<PlannedNic> nics;
  if (request.networks_mode == Mode::kNone) {
    return nics;
  }
  if (request.networks_mode == Mode::kList) {
    for (const auto& wanted : request.networks) {
      nics.push_back(wanted.port_id ? port_nic(s, ctx, *wanted.port_id)
                                    : network_nic(s, ctx, *wanted.network_id, wanted.fixed_ip));
    }
    return nics;
  }
  const auto available = available_networks(s, ctx.project_id);
  if (available.size() > 1) {
    throw api::conflict("NetworkAmbiguous",
                        "More than one possible network found. Specify network ID(s) to select "
                        "which one(s) to connect to.");
  }
  if (available.empty()) {
    if (request.networks_mode == Mode::kAuto) {
      throw api::bad_request(
          "Unable to automatically allocate a network for project " + ctx.project_id,
          "UnableToAutoAllocateNetwork");
    }
    return nics;
  }
  nics.push_back(network_nic(s, ctx, available.front(), std::nullopt));
  return nics;
}

ServerSecurityGroups resolve_security_groups(store::SqlSession& s, const identity::AuthContext& ctx,
                                             const std::vector<std::string>& requested) {
  ServerSecurityGroups out;
  if (requested.empty()) {
    out.names = {"default"};
    return out;
  }
  for (const auto& wanted : requested) {
    if (wanted == "default") {
      neutron::SecurityGroupService::ensure_default(s, ctx, ctx.project_id);
    }
    const auto rows =
        s.query("SELECT id, name FROM securitygroups WHERE project_id = ? AND (id = ? OR name = ?)",
                {ctx.project_id, wanted, wanted});
    if (rows.empty()) {
      throw api::bad_request("Security group " + wanted + " not found.", "SecurityGroupNotFound");
    }
    if (rows.size() > 1) {
      throw api::conflict("NoUniqueMatch", "Multiple security groups found matching '" + wanted +
                                               "'. Use an ID to be more specific.");
    }
    out.ids.push_back(rows[0].text(0));
    out.names.push_back(rows[0].text(1));
  }
  return out;
}

}  // namespace neutrino::compute
