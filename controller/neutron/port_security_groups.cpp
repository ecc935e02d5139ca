#include "controller/neutron/port_security_groups.hpp"

#include <algorithm>
#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/security_group_service.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError invalid(const std::string& reason) {
  return api::bad_request("Invalid input for security_groups. Reason: " + reason + ".");
}

// Neutron's convert_none_to_empty_list, then type:uuid_list. nullopt when not in the request.
std::optional<std::vector<std::string>> requested(const Json& attributes) {
  const auto it = attributes.find("security_groups");
  if (it == attributes.end()) {
    return std::nullopt;
  }
  if (it->is_null()) {
    return std::vector<std::string>{};
  }
  if (!it->is_array()) {
    throw invalid("'" + json_prefix(*it) + "' is not a list");
  }
  std::vector<std::string> ids;
  std::set<std::string> seen;
  std::vector<std::string> duplicates;
  for (const auto& id : *it) {
    const std::string text = id.is_string() ? id.get<std::string>() : id.dump();
    if (!seen.insert(text).second) {
      duplicates.push_back(text);
    }
    ids.push_back(text);
  }
  if (!duplicates.empty()) {
    std::string list;
    for (const auto& d : duplicates) {
      list += (list.empty() ? "" : ", ") + text_prefix(d);
    }
    list = text_prefix(list, 4 * kQuotedInputBytes);
    throw invalid("Duplicate items in the list: '" + list + "'");
  }
  for (const auto& id : *it) {
    if (!id.is_string() || !is_uuid(id.get<std::string>())) {
      throw invalid("'" + json_prefix(id) + "' is not a valid UUID");
    }
  }
  return ids;
}

bool trusted(const std::string& device_owner) {
  return device_owner.starts_with("network:");
}

// Every group must be visible to the caller and, on a new port, belong to the port's project
// or be shared with it (rbac-security-groups).
void bind_groups(store::SqlSession& s, const AuthContext& ctx, const std::string& port_id,
                 const std::vector<std::string>& groups,
                 const std::optional<std::string>& project) {
  std::string missing;
  std::set<bool> statefulness;
  for (const auto& id : groups) {
    const auto rows = s.query("SELECT project_id, stateful FROM securitygroups WHERE id = ?", {id});
    const auto shared_with = [&](const std::string& p) {
      return RbacAccess::granted(s, "security_group", id, kAccessAsShared, p);
    };
    if (rows.empty() || !(owns(ctx, rows[0].text(0)) || shared_with(ctx.project_id)) ||
        (project && !ctx.is_admin() && rows[0].text(0) != *project && !shared_with(*project))) {
      missing += (missing.empty() ? "" : ", ") + id;
    } else {
      statefulness.insert(rows[0].boolean(1));
    }
  }
  if (!missing.empty()) {
    throw security_group_not_found(missing);
  }
  // One port's firewall either tracks connections or does not: Neutron refuses a mix.
  if (statefulness.size() > 1) {
    throw api::conflict("SecurityGroupConflict",
                        "Error Cannot apply both stateful and stateless security groups on the "
                        "same port at the same time while attempting the operation.");
  }
  s.execute("DELETE FROM securitygroupportbindings WHERE port_id = ?", {port_id});
  for (const auto& id : groups) {
    s.execute("INSERT INTO securitygroupportbindings (port_id, security_group_id) VALUES (?, ?)",
              {port_id, id});
  }
}

api::ApiError port_security_required() {
  return api::bad_request(
      "Port security must be enabled and port must have an IP address in order to use security "
      "groups.",
      "PortSecurityAndIPRequiredForSecurityGroups");
}

}  // namespace

void PortSecurityGroups::on_create(store::SqlSession& s, const AuthContext& ctx,
                                   const PortGroupsRequest& port, const Json& attributes) {
  const auto groups = requested(attributes);
  const auto default_group = SecurityGroupService::ensure_default(s, ctx, port.project_id);
  if (!port.port_security) {
    if (groups && !groups->empty()) {
      throw port_security_required();
    }
    return;
  }
  if (trusted(port.device_owner)) {
    return;  // DHCP and router ports are not filtered
  }
  if (groups) {
    bind_groups(s, ctx, port.port_id, *groups, port.project_id);
  } else if (default_group) {
    bind_groups(s, ctx, port.port_id, {*default_group}, std::nullopt);
  }
}

void PortSecurityGroups::on_update(store::SqlSession& s, const AuthContext& ctx,
                                   const PortGroupsRequest& port, const Json& attributes) {
  const auto groups = requested(attributes);
  SecurityGroupService::ensure_default(s, ctx, port.project_id);
  if (!port.port_security) {
    if (groups && !groups->empty()) {
      throw port_security_required();
    }
    if (!groups && !load(s, IdSelection::of(port.port_id))[port.port_id].empty()) {
      throw api::conflict("PortSecurityPortHasSecurityGroup",
                          "Port has security group associated. Cannot disable port security or "
                          "IP address until security group is removed.");
    }
  }
  if (groups) {
    bind_groups(s, ctx, port.port_id, *groups, std::nullopt);
  }
}

std::map<std::string, std::vector<std::string>> PortSecurityGroups::load(store::SqlSession& s,
                                                                         const IdSelection& ports) {
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& r :
       s.query("SELECT port_id, security_group_id FROM securitygroupportbindings" +
                   ports.clause("WHERE", "port_id") + " ORDER BY port_id, security_group_id",
               ports.params())) {
    out[r.text(0)].push_back(r.text(1));
  }
  return out;
}

}  // namespace neutrino::neutron
