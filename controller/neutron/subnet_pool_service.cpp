#include "controller/neutron/subnet_pool_service.hpp"

#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/ipam/prefix_set.hpp"
#include "controller/neutron/address_scope_service.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/subnet_pool_input.hpp"
#include "controller/neutron/tag_store.hpp"

namespace neutrino::neutron {
namespace {

constexpr const char* kColumns =
    "SELECT id, project_id, name, description, ip_version, default_prefixlen, min_prefixlen, "
    "max_prefixlen, shared, is_default, default_quota, address_scope_id, revision_number, "
    "created_at, updated_at FROM subnetpools";

std::vector<ipam::Cidr> load_prefixes(store::SqlSession& s, const std::string& id) {
  std::vector<ipam::Cidr> out;
  for (const auto& r :
       s.query("SELECT cidr FROM subnetpoolprefixes WHERE subnetpool_id = ?", {id})) {
    out.push_back(ipam::Cidr::parse(r.text(0)));
  }
  return ipam::compact_prefixes(out);
}

// Blocks already allocated from the pool: its subnets' cidrs.
std::vector<ipam::Cidr> allocated(store::SqlSession& s, const std::string& id) {
  std::vector<ipam::Cidr> out;
  for (const auto& r : s.query("SELECT cidr FROM subnets WHERE subnetpool_id = ?", {id})) {
    out.push_back(ipam::Cidr::parse(r.text(0)));
  }
  return out;
}

// Only one pool per IP version may be the default (the index enforces it too).
void check_default_free(store::SqlSession& s, int ip_version, const std::string& except_id) {
  if (!s.query("SELECT 1 FROM subnetpools WHERE ip_version = ? AND is_default = 1 AND id <> ?",
               {int64_t{ip_version}, except_id})
           .empty()) {
    throw api::bad_request(
        "Invalid input for operation: A default subnetpool for this IP family "
        "has already been set. Only one default may exist per IP family.",
        "InvalidInput");
  }
}

void check_quota(const Json& attributes) {
  if (attributes.contains("default_quota") && !attributes["default_quota"].is_null() &&
      attributes["default_quota"].get<int64_t>() < 0) {
    throw api::bad_request("Invalid input for default_quota. Reason: '" +
                           attributes["default_quota"].dump() + "' should be non-negative.");
  }
}

// The scope a pool is in after a request: the one it names (null: none), else the current.
std::optional<std::string> scope_after(const Json& attributes,
                                       const std::optional<std::string>& current) {
  if (!attributes.contains("address_scope_id")) {
    return current;
  }
  const Json& value = attributes["address_scope_id"];
  return value.is_null() ? std::nullopt : std::optional<std::string>(value.get<std::string>());
}

}  // namespace

api::ApiError subnet_pool_not_found(const std::string& id) {
  return api::not_found("Subnet pool " + id + " could not be found.", "SubnetPoolNotFound");
}

std::optional<SubnetPoolInfo> SubnetPoolService::find(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT id, project_id, ip_version, default_prefixlen, min_prefixlen, max_prefixlen, "
      "shared, is_default, default_quota, address_scope_id FROM subnetpools WHERE id = ?",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  return SubnetPoolInfo{r.text(0),
                        r.text(1),
                        static_cast<int>(r.integer(2)),
                        static_cast<int>(r.integer(3)),
                        static_cast<int>(r.integer(4)),
                        static_cast<int>(r.integer(5)),
                        r.boolean(6),
                        r.boolean(7),
                        r.is_null(8) ? std::nullopt : std::optional<int64_t>(r.integer(8)),
                        r.is_null(9) ? std::nullopt : std::optional<std::string>(r.text(9)),
                        load_prefixes(s, id)};
}

SubnetPoolInfo SubnetPoolService::visible(store::SqlSession& s, const AuthContext& ctx,
                                          const std::string& id) {
  auto pool = find(s, id);
  if (!pool) {
    throw subnet_pool_not_found(id);
  }
  // `shared` as the caller sees it: a policy grants the pool to its project or to all.
  pool->shared = RbacAccess::granted(s, "subnetpool", id, kAccessAsShared, ctx.project_id);
  if (!(owns(ctx, pool->project_id) || pool->shared)) {
    throw subnet_pool_not_found(id);
  }
  return std::move(*pool);
}

SubnetPoolInfo SubnetPoolService::owned(store::SqlSession& s, const AuthContext& ctx,
                                        const std::string& id, const char* action) {
  SubnetPoolInfo pool = visible(s, ctx, id);
  if (!owns(ctx, pool.project_id)) {
    throw api::forbidden(std::string("(rule:") + action + ") is disallowed by policy");
  }
  return pool;
}

std::optional<std::string> SubnetPoolService::default_pool(store::SqlSession& s, int ip_version) {
  const auto rows = s.query("SELECT id FROM subnetpools WHERE ip_version = ? AND is_default = 1",
                            {int64_t{ip_version}});
  return rows.empty() ? std::nullopt : std::optional<std::string>(rows[0].text(0));
}

void SubnetPoolService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE subnetpools SET revision_number = revision_number + 1, updated_at = ? WHERE id = ?",
      {clock::now_unix_seconds(), id});
}

void SubnetPoolService::replace_prefixes(store::SqlSession& s, const SubnetPoolInfo& pool,
                                         const std::vector<ipam::Cidr>& prefixes) {
  s.execute("DELETE FROM subnetpoolprefixes WHERE subnetpool_id = ?", {pool.id});
  for (const auto& p : prefixes) {
    s.execute("INSERT INTO subnetpoolprefixes (cidr, subnetpool_id) VALUES (?, ?)",
              {p.to_string(), pool.id});
  }
}

Json SubnetPoolService::create(store::SqlSession& s, const AuthContext& ctx,
                               const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  if (attributes.value("shared", false)) {
    require_admin_for(ctx, "create_subnetpool", "shared");
  }
  const bool is_default = attributes.value("is_default", false);
  if (is_default) {
    require_admin_for(ctx, "create_subnetpool", "is_default");
  }
  check_quota(attributes);
  SubnetPoolInfo pool;
  pool.prefixes = parse_pool_prefixes(attributes["prefixes"]);
  pool.ip_version = pool.prefixes.front().version();
  pool.id = random::uuid4();
  const PrefixBounds bounds = resolve_prefix_bounds(attributes, pool.ip_version, std::nullopt);
  if (is_default) {
    check_default_free(s, pool.ip_version, pool.id);
  }
  pool.address_scope_id = scope_after(attributes, std::nullopt);
  if (pool.address_scope_id) {
    AddressScopeService::check_pool(s, ctx, *pool.address_scope_id,
                                    {pool.id, project, pool.ip_version, pool.prefixes});
  }
  const int64_t now = clock::now_unix_seconds();
  const Json quota = attributes.value("default_quota", Json(nullptr));
  s.execute(
      "INSERT INTO subnetpools (id, project_id, name, description, ip_version, "
      "default_prefixlen, min_prefixlen, max_prefixlen, shared, is_default, default_quota, "
      "address_scope_id, revision_number, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
      {pool.id, project, attributes.value("name", ""), attributes.value("description", ""),
       int64_t{pool.ip_version}, int64_t{bounds.default_prefixlen}, int64_t{bounds.min_prefixlen},
       int64_t{bounds.max_prefixlen}, int64_t{attributes.value("shared", false)},
       int64_t{is_default},
       quota.is_null() ? store::SqlValue(std::monostate{}) : store::SqlValue(quota.get<int64_t>()),
       pool.address_scope_id ? store::SqlValue(*pool.address_scope_id)
                             : store::SqlValue(std::monostate{}),
       now, now});
  replace_prefixes(s, pool, pool.prefixes);
  if (attributes.contains("tags")) {
    TagStore::replace(s, "subnetpools", pool.id, attributes["tags"]);
  }
  // shared=True is the wildcard access_as_shared policy, as in Neutron.
  RbacAccess::set_wildcard(s, "subnetpool", pool.id, kAccessAsShared, project,
                           attributes.value("shared", false));
  return show(s, ctx, pool.id);
}

std::vector<Json> SubnetPoolService::load(store::SqlSession& s, const AuthContext& ctx,
                                          const std::optional<std::string>& id) const {
  const auto rows =
      ScopedSelect{
          .select = kColumns,
          .id_column = "id",
          .member_terms = {"project_id = ?", RbacAccess::granted_clause(
                                                 "subnetpool", kAccessAsShared, "subnetpools.id")},
          .order = " ORDER BY created_at, id"}
          .rows(s, ctx, id);
  std::set<std::string> shared;  // with the caller's project
  for (const auto& r : s.query("SELECT object_id FROM rbac_policies WHERE object_type = "
                               "'subnetpool' AND action = 'access_as_shared' AND target_project "
                               "IN ('*', ?)",
                               {ctx.project_id})) {
    shared.insert(r.text(0));
  }
  std::map<std::string, std::vector<ipam::Cidr>> prefixes;
  for (const auto& r : s.query(std::string("SELECT subnetpool_id, cidr FROM subnetpoolprefixes") +
                                   (id ? " WHERE subnetpool_id = ?" : ""),
                               id ? store::SqlParams{*id} : store::SqlParams{})) {
    prefixes[r.text(0)].push_back(ipam::Cidr::parse(r.text(1)));
  }
  auto tags = TagStore::load_for(s, "subnetpools", IdSelection::of(id));
  std::vector<Json> out;
  for (const auto& r : rows) {
    const std::string pool_id = r.text(0);
    Json listed = Json::array();
    for (const auto& p : ipam::compact_prefixes(prefixes[pool_id])) {
      listed.push_back(p.to_string());
    }
    // Neutron shows the prefix lengths as strings.
    out.push_back({{"id", pool_id},
                   {"name", r.text(2)},
                   {"description", r.text(3)},
                   {"tenant_id", r.text(1)},
                   {"project_id", r.text(1)},
                   {"ip_version", r.integer(4)},
                   {"default_prefixlen", std::to_string(r.integer(5))},
                   {"min_prefixlen", std::to_string(r.integer(6))},
                   {"max_prefixlen", std::to_string(r.integer(7))},
                   {"shared", shared.contains(pool_id)},
                   {"is_default", r.boolean(9)},
                   {"default_quota", r.is_null(10) ? Json(nullptr) : Json(r.integer(10))},
                   {"address_scope_id", r.is_null(11) ? Json(nullptr) : Json(r.text(11))},
                   {"prefixes", listed},
                   {"tags", tags[pool_id]},
                   {"revision_number", r.integer(12)},
                   {"created_at", clock::format_iso8601(r.integer(13))},
                   {"updated_at", clock::format_iso8601(r.integer(14))}});
  }
  return out;
}

Json SubnetPoolService::show(store::SqlSession& s, const AuthContext& ctx,
                             const std::string& id) const {
  visible(s, ctx, id);
  return load(s, ctx, id).front();
}

std::vector<Json> SubnetPoolService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json SubnetPoolService::update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
                               const Json& attributes) const {
  const SubnetPoolInfo pool = owned(s, ctx, id, "update_subnetpool");
  // Neutron's _check_subnetpool_update_allowed: a pool in an address scope only shared with
  // its project (rbac-address-scope) is changed by the scope's owner or an admin.
  if (pool.address_scope_id && !ctx.is_admin() &&
      AddressScopeService::owner(s, *pool.address_scope_id) != ctx.project_id) {
    throw api::bad_request("Illegal subnetpool update : subnetpool " + id +
                               " cannot be updated when associated with shared address scope " +
                               *pool.address_scope_id,
                           "IllegalSubnetPoolUpdate");
  }
  check_quota(attributes);
  if (attributes.contains("is_default")) {
    require_admin_for(ctx, "update_subnetpool", "is_default");
    if (attributes["is_default"].get<bool>()) {
      check_default_free(s, pool.ip_version, id);
    }
    s.execute("UPDATE subnetpools SET is_default = ? WHERE id = ?",
              {int64_t{attributes["is_default"].get<bool>()}, id});
  }
  std::vector<ipam::Cidr> prefixes = pool.prefixes;
  if (attributes.contains("prefixes")) {
    prefixes = parse_pool_prefixes(attributes["prefixes"]);
    if (prefixes.front().version() != pool.ip_version) {
      throw api::bad_request("Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
                             "PrefixVersionMismatch");
    }
    for (const auto& old : pool.prefixes) {
      if (!ipam::covers(prefixes, old)) {
        throw api::bad_request("Illegal update to prefixes: Existing prefix " + old.to_string() +
                                   " is not a subset of the new prefixes.",
                               "IllegalSubnetPoolPrefixUpdate");
      }
    }
  }
  const auto scope = scope_after(attributes, pool.address_scope_id);
  if (scope && (attributes.contains("prefixes") || scope != pool.address_scope_id)) {
    AddressScopeService::check_pool(s, ctx, *scope,
                                    {id, pool.project_id, pool.ip_version, prefixes});
  }
  if (attributes.contains("prefixes")) {
    replace_prefixes(s, pool, prefixes);
  }
  if (attributes.contains("address_scope_id")) {
    s.execute("UPDATE subnetpools SET address_scope_id = ? WHERE id = ?",
              {scope ? store::SqlValue(*scope) : store::SqlValue(std::monostate{}), id});
  }
  const PrefixBounds bounds = resolve_prefix_bounds(
      attributes, pool.ip_version,
      PrefixBounds{pool.min_prefixlen, pool.max_prefixlen, pool.default_prefixlen});
  s.execute(
      "UPDATE subnetpools SET min_prefixlen = ?, max_prefixlen = ?, default_prefixlen = ? "
      "WHERE id = ?",
      {int64_t{bounds.min_prefixlen}, int64_t{bounds.max_prefixlen},
       int64_t{bounds.default_prefixlen}, id});
  if (attributes.contains("default_quota")) {
    const Json& q = attributes["default_quota"];
    s.execute(
        "UPDATE subnetpools SET default_quota = ? WHERE id = ?",
        {q.is_null() ? store::SqlValue(std::monostate{}) : store::SqlValue(q.get<int64_t>()), id});
  }
  for (const char* column : {"name", "description"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE subnetpools SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  touch(s, id);
  return show(s, ctx, id);
}

void SubnetPoolService::remove(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& id) const {
  owned(s, ctx, id, "delete_subnetpool");
  if (!allocated(s, id).empty()) {
    throw api::bad_request("Unable to delete subnet pool: Subnet pool has existing allocations.",
                           "SubnetPoolDeleteError");
  }
  TagStore::remove_all(s, "subnetpools", id);
  RbacAccess::remove_all(s, "subnetpool", id);
  s.execute("DELETE FROM subnetpools WHERE id = ?", {id});
}

Json SubnetPoolService::add_prefixes(store::SqlSession& s, const AuthContext& ctx,
                                     const std::string& id, const Json& body) const {
  const SubnetPoolInfo pool = owned(s, ctx, id, "add_prefixes");
  auto prefixes = parse_pool_prefixes(body.value("prefixes", Json()));
  if (prefixes.front().version() != pool.ip_version) {
    throw api::bad_request("Cannot mix IPv4 and IPv6 prefixes in a subnet pool.",
                           "PrefixVersionMismatch");
  }
  prefixes.insert(prefixes.end(), pool.prefixes.begin(), pool.prefixes.end());
  prefixes = ipam::compact_prefixes(prefixes);
  if (pool.address_scope_id) {
    AddressScopeService::check_pool(s, ctx, *pool.address_scope_id,
                                    {id, pool.project_id, pool.ip_version, prefixes});
  }
  replace_prefixes(s, pool, prefixes);
  touch(s, id);
  return show(s, ctx, id);
}

Json SubnetPoolService::remove_prefixes(store::SqlSession& s, const AuthContext& ctx,
                                        const std::string& id, const Json& body) const {
  const SubnetPoolInfo pool = owned(s, ctx, id, "remove_prefixes");
  const auto removed = parse_pool_prefixes(body.value("prefixes", Json()));
  for (const auto& block : allocated(s, id)) {
    for (const auto& r : removed) {
      if (r.overlaps(block)) {
        throw api::bad_request("Illegal update to prefixes: Subnet " + block.to_string() +
                                   " allocated from the pool lies in " + r.to_string() + ".",
                               "IllegalSubnetPoolPrefixUpdate");
      }
    }
  }
  const auto remaining = ipam::subtract_prefixes(pool.prefixes, removed);
  if (remaining.empty()) {
    throw api::bad_request("Empty subnet pool prefix list.", "EmptySubnetPoolPrefixList");
  }
  replace_prefixes(s, pool, remaining);
  touch(s, id);
  return show(s, ctx, id);
}

}  // namespace neutrino::neutron
