#include "controller/neutron/address_group_service.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/rbac_object_type.hpp"
#include "controller/neutron/security_group_service.hpp"
#include "controller/neutron/subnet_pool_service.hpp"

namespace neutrino::neutron {
namespace {

using store::SqlSession;

// The owning project from `table` (a name from this file, never from a request).
std::function<std::optional<std::string>(SqlSession&, const std::string&)> owner_in(
    std::string table) {
  return [table = std::move(table)](SqlSession& s, const std::string& id) {
    const auto rows = s.query("SELECT project_id FROM " + table + " WHERE id = ?", {id});
    return rows.empty() ? std::nullopt : std::optional<std::string>(rows[0].text(0));
  };
}

// Distinct projects from a query binding the object's id once.
std::function<std::set<std::string>(SqlSession&, const std::string&)> projects_from(
    std::string sql) {
  return [sql = std::move(sql)](SqlSession& s, const std::string& id) {
    std::set<std::string> out;
    for (const auto& r : s.query(sql, {id})) {
      out.insert(r.text(0));
    }
    return out;
  };
}

// The `shared` column caches "a wildcard access_as_shared policy exists" for the readers
// that need no viewer (the compute API, the fan-out).
void sync_shared_column(SqlSession& s, const std::string& type, const std::string& table,
                        const std::string& id) {
  s.execute("UPDATE " + table + " SET shared = ? WHERE id = ?",
            {int64_t{RbacAccess::has_wildcard(s, type, id, kAccessAsShared)}, id});
}

RbacObjectType network_type() {
  return {
      "network",
      {kAccessAsShared, kAccessAsExternal},
      owner_in("networks"),
      projects_from("SELECT DISTINCT project_id FROM ports WHERE network_id = ?"),
      [](SqlSession& s, const std::string& id) {
        sync_shared_column(s, "network", "networks", id);
        // A network is external while any access_as_external policy names it, as
        // Neutron converts it on the first such policy and back on the last one's removal.
        const bool external = !s.query(
                                    "SELECT 1 FROM rbac_policies WHERE object_type = 'network' AND "
                                    "object_id = ? AND action = 'access_as_external' LIMIT 1",
                                    {id})
                                   .empty();
        s.execute("UPDATE networks SET router_external = ? WHERE id = ?", {int64_t{external}, id});
        NetworkService::touch(s, id);
      },
      [](const std::string& id) {
        return api::not_found("Network " + id + " could not be found.", "NetworkNotFound");
      },
      nullptr,
      projects_from("SELECT DISTINCT r.project_id FROM routers r JOIN ports p ON p.id = "
                    "r.gw_port_id WHERE p.network_id = ?")};
}

RbacObjectType security_group_type() {
  return {"security_group",
          {kAccessAsShared},
          owner_in("securitygroups"),
          projects_from("SELECT DISTINCT p.project_id FROM securitygroupportbindings b JOIN ports "
                        "p ON p.id = b.port_id WHERE b.security_group_id = ?"),
          &SecurityGroupService::touch,
          &security_group_not_found,
          nullptr,
          nullptr};
}

RbacObjectType subnet_pool_type() {
  return {
      "subnetpool",
      {kAccessAsShared},
      owner_in("subnetpools"),
      projects_from("SELECT DISTINCT project_id FROM subnets WHERE subnetpool_id = ?"),
      [](SqlSession& s, const std::string& id) {
        sync_shared_column(s, "subnetpool", "subnetpools", id);
        SubnetPoolService::touch(s, id);
      },
      &subnet_pool_not_found,
      [](SqlSession& s, const std::string& id, const std::string& target) {
        // Neutron: a pool is shared only with projects that may use its address scope.
        const auto rows = s.query(
            "SELECT a.id, a.project_id FROM subnetpools p JOIN address_scopes a ON a.id = "
            "p.address_scope_id WHERE p.id = ?",
            {id});
        if (!rows.empty() && rows[0].text(1) != target &&
            !RbacAccess::granted(s, "address_scope", rows[0].text(0), kAccessAsShared, target)) {
          throw api::bad_request(
              "Invalid input for operation: Subnet pool " + id + " cannot be shared with " +
                  target + " without access to its address scope " + rows[0].text(0) + ".",
              "InvalidInput");
        }
      },
      nullptr};
}

RbacObjectType address_scope_type() {
  return {"address_scope",
          {kAccessAsShared},
          owner_in("address_scopes"),
          projects_from("SELECT DISTINCT project_id FROM subnetpools WHERE address_scope_id = ?"),
          [](SqlSession& s, const std::string& id) {
            sync_shared_column(s, "address_scope", "address_scopes", id);
          },
          [](const std::string& id) {
            return api::not_found("Address scope " + id + " could not be found.",
                                  "AddressScopeNotFound");
          },
          nullptr,
          nullptr};
}

// rbac-address-group: a project an address group is shared with may name it in its rules;
// those rules are what a grant may not be taken away from.
RbacObjectType address_group_type() {
  return {"address_group",
          {kAccessAsShared},
          owner_in("address_groups"),
          projects_from("SELECT DISTINCT project_id FROM securitygrouprules WHERE "
                        "remote_address_group_id = ?"),
          &AddressGroupService::touch,
          &address_group_not_found,
          nullptr,
          nullptr};
}

}  // namespace

RbacObjectTypes builtin_rbac_object_types() {
  RbacObjectTypes types;
  types.add(network_type());
  types.add(security_group_type());
  types.add(address_scope_type());
  types.add(subnet_pool_type());
  types.add(address_group_type());
  return types;
}

}  // namespace neutrino::neutron
