#include "controller/neutron/address_scope_service.hpp"

#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/scoped_select.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError scope_not_found(const std::string& id) {
  return api::not_found("Address scope " + id + " could not be found.", "AddressScopeNotFound");
}

struct ScopeRow {
  std::string project_id;
  int ip_version;
  bool shared;  // with every project (the wildcard policy)
};

ScopeRow visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id) {
  const auto rows =
      s.query("SELECT project_id, ip_version, shared FROM address_scopes WHERE id = ?", {id});
  if (rows.empty() ||
      !(owns(ctx, rows[0].text(0)) ||
        RbacAccess::granted(s, "address_scope", id, kAccessAsShared, ctx.project_id))) {
    throw scope_not_found(id);
  }
  return {rows[0].text(0), static_cast<int>(rows[0].integer(1)), rows[0].boolean(2)};
}

}  // namespace

std::string AddressScopeService::owner(store::SqlSession& s, const std::string& scope_id) {
  const auto rows = s.query("SELECT project_id FROM address_scopes WHERE id = ?", {scope_id});
  return rows.empty() ? "" : rows[0].text(0);
}

void AddressScopeService::check_pool(store::SqlSession& s, const AuthContext& ctx,
                                     const std::string& scope_id, const ScopedPool& pool) {
  if (!is_uuid(scope_id)) {
    throw api::bad_request("Invalid input for address_scope_id. Reason: '" + scope_id +
                           "' is not a valid UUID.");
  }
  const ScopeRow scope = visible(s, ctx, scope_id);
  // Neutron's is_address_scope_owned_by_tenant: owned, admin, or shared with the caller.
  if (scope.project_id != pool.project_id && !ctx.is_admin() &&
      !RbacAccess::granted(s, "address_scope", scope_id, kAccessAsShared, ctx.project_id)) {
    throw api::bad_request("Illegal subnetpool association: subnetpool " + pool.id +
                               " cannot be associated with address scope " + scope_id + ".",
                           "IllegalSubnetPoolAssociationToAddressScope");
  }
  if (scope.ip_version != pool.ip_version) {
    throw api::bad_request("Illegal subnetpool association: subnetpool " + pool.id +
                               " cannot associate with address scope " + scope_id +
                               " because subnetpool ip_version is not " +
                               std::to_string(scope.ip_version) + ".",
                           "IllegalSubnetPoolIpVersionAssociationToAddressScope");
  }
  for (const auto& r : s.query("SELECT x.cidr FROM subnetpoolprefixes x JOIN subnetpools p ON "
                               "p.id = x.subnetpool_id WHERE p.address_scope_id = ? AND p.id <> ?",
                               {scope_id, pool.id})) {
    const ipam::Cidr other = ipam::Cidr::parse(r.text(0));
    for (const auto& mine : pool.prefixes) {
      if (mine.overlaps(other)) {
        throw api::conflict("AddressScopePrefixConflict",
                            "Failed to associate address scope: subnetpools within an address "
                            "scope must have unique prefixes.");
      }
    }
  }
}

Json AddressScopeService::create(store::SqlSession& s, const AuthContext& ctx,
                                 const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  if (attributes.value("shared", false)) {
    require_admin_for(ctx, "create_address_scope", "shared");
  }
  const int64_t version = attributes["ip_version"].get<int64_t>();
  if (version != 4 && version != 6) {
    throw api::bad_request("Invalid input for ip_version. Reason: " + std::to_string(version) +
                           " is not in [4, 6].");
  }
  const std::string id = random::uuid4();
  s.execute(
      "INSERT INTO address_scopes (id, project_id, name, ip_version, shared, created_at) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      {id, project, attributes.value("name", ""), version,
       int64_t{attributes.value("shared", false)}, clock::now_unix_seconds()});
  RbacAccess::set_wildcard(s, "address_scope", id, kAccessAsShared, project,
                           attributes.value("shared", false));
  return show(s, ctx, id);
}

std::vector<Json> AddressScopeService::load(store::SqlSession& s, const AuthContext& ctx,
                                            const std::optional<std::string>& id) const {
  const std::string columns = "SELECT id, project_id, name, ip_version, shared FROM address_scopes";
  const auto rows =
      ScopedSelect{.select = columns,
                   .id_column = "id",
                   .member_terms = {"project_id = ?",
                                    RbacAccess::granted_clause("address_scope", kAccessAsShared,
                                                               "address_scopes.id")},
                   .order = " ORDER BY created_at, id"}
          .rows(s, ctx, id);
  std::set<std::string> shared;  // with the caller's project
  for (const auto& r : s.query("SELECT object_id FROM rbac_policies WHERE object_type = "
                               "'address_scope' AND action = 'access_as_shared' AND "
                               "target_project IN ('*', ?)",
                               {ctx.project_id})) {
    shared.insert(r.text(0));
  }
  std::vector<Json> out;
  for (const auto& r : rows) {
    out.push_back({{"id", r.text(0)},
                   {"name", r.text(2)},
                   {"tenant_id", r.text(1)},
                   {"project_id", r.text(1)},
                   {"ip_version", r.integer(3)},
                   {"shared", shared.contains(r.text(0))}});
  }
  return out;
}

Json AddressScopeService::show(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& id) const {
  visible(s, ctx, id);
  return load(s, ctx, id).front();
}

std::vector<Json> AddressScopeService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json AddressScopeService::update(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id, const Json& attributes) const {
  const ScopeRow scope = visible(s, ctx, id);
  if (attributes.contains("shared")) {
    require_admin_for(ctx, "update_address_scope", "shared");
  }
  if (!owns(ctx, scope.project_id)) {
    throw api::forbidden("(rule:update_address_scope) is disallowed by policy");
  }
  if (attributes.contains("shared")) {
    if (scope.shared && !attributes["shared"].get<bool>()) {
      throw api::bad_request(
          "Unable to update address scope " + id + " : Shared address scope can't be unshared.",
          "AddressScopeUpdateError");
    }
    s.execute("UPDATE address_scopes SET shared = ? WHERE id = ?",
              {int64_t{attributes["shared"].get<bool>()}, id});
    RbacAccess::set_wildcard(s, "address_scope", id, kAccessAsShared, scope.project_id,
                             attributes["shared"].get<bool>());
  }
  if (attributes.contains("name")) {
    s.execute("UPDATE address_scopes SET name = ? WHERE id = ?",
              {attributes["name"].get<std::string>(), id});
  }
  return show(s, ctx, id);
}

void AddressScopeService::remove(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id) const {
  const ScopeRow scope = visible(s, ctx, id);
  if (!owns(ctx, scope.project_id)) {
    throw api::forbidden("(rule:delete_address_scope) is disallowed by policy");
  }
  if (!s.query("SELECT 1 FROM subnetpools WHERE address_scope_id = ? LIMIT 1", {id}).empty()) {
    throw api::conflict("AddressScopeInUse",
                        "Unable to complete operation on address scope " + id +
                            ". There are one or more subnet pools in use on the address scope.");
  }
  RbacAccess::remove_all(s, "address_scope", id);
  s.execute("DELETE FROM address_scopes WHERE id = ?", {id});
}

}  // namespace neutrino::neutron
