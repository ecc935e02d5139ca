#include "controller/neutron/address_group_service.hpp"

#include <map>
#include <set>

#include "common/clock.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/address_group_addresses.hpp"
#include "controller/neutron/rbac_access.hpp"
#include "controller/neutron/scoped_select.hpp"
#include "controller/neutron/tag_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

// Who may change a group: its project and admins (a project it is shared with only sees it).
void owned(store::SqlSession& s, const AuthContext& ctx, const std::string& id) {
  const auto rows = s.query("SELECT project_id FROM address_groups WHERE id = ?", {id});
  if (rows.empty() || !owns(ctx, rows[0].text(0))) {
    throw address_group_not_found(id);
  }
}

// Agents hold the addresses of the groups their rules name: they follow every change of them.
void journal(store::SqlSession& s, const std::string& id) {
  store::ChangeJournal::append(s, store::JournalKind::kAddressGroup, id);
}

std::set<std::string> addresses_of(store::SqlSession& s, const std::string& id) {
  std::set<std::string> out;
  for (const auto& r :
       s.query("SELECT address FROM address_associations WHERE address_group_id = ?", {id})) {
    out.insert(r.text(0));
  }
  return out;
}

void insert_addresses(store::SqlSession& s, const std::string& id,
                      const std::set<std::string>& addresses) {
  for (const auto& address : addresses) {
    s.execute("INSERT INTO address_associations (address, address_group_id) VALUES (?, ?)",
              {address, id});
  }
}

void check_total(std::size_t total) {
  if (total > kMaxAddressGroupAddresses) {
    throw api::bad_request("Invalid input for addresses. Reason: more than " +
                           std::to_string(kMaxAddressGroupAddresses) +
                           " addresses in one address group.");
  }
}

}  // namespace

api::ApiError address_group_not_found(const std::string& id) {
  return api::not_found("Address group " + id + " could not be found.", "AddressGroupNotFound");
}

bool AddressGroupService::usable(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& project, const std::string& id) {
  const auto rows = s.query("SELECT project_id FROM address_groups WHERE id = ?", {id});
  return !rows.empty() && (ctx.is_admin() || rows[0].text(0) == project ||
                           RbacAccess::granted(s, "address_group", id, kAccessAsShared, project));
}

void AddressGroupService::touch(store::SqlSession& s, const std::string& id) {
  s.execute(
      "UPDATE address_groups SET revision_number = revision_number + 1, updated_at = ? "
      "WHERE id = ?",
      {clock::now_unix_seconds(), id});
}

Json AddressGroupService::create(store::SqlSession& s, const AuthContext& ctx,
                                 const Json& attributes) const {
  const std::string project = owning_project(ctx, attributes);
  const auto addresses = parse_address_list(attributes.value("addresses", Json()));
  const std::string id = random::uuid4();
  const int64_t now = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO address_groups (id, project_id, name, description, revision_number, "
      "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      {id, project, attributes.value("name", ""), attributes.value("description", ""),
       int64_t{addresses.empty() ? 0 : 1}, now, now});  // Neutron adds them as an update
  insert_addresses(s, id, addresses);
  journal(s, id);
  if (attributes.contains("tags")) {
    TagStore::replace(s, "address_groups", id, attributes["tags"]);
  }
  return show(s, ctx, id);
}

std::vector<Json> AddressGroupService::load(store::SqlSession& s, const AuthContext& ctx,
                                            const std::optional<std::string>& id) const {
  const std::string columns =
      "SELECT id, project_id, name, description, revision_number, created_at, updated_at FROM "
      "address_groups";
  const ScopedSelect groups{.select = columns,
                            .id_column = "id",
                            // Its own groups and those shared with it (rbac-address-group).
                            .member_terms = {"project_id = ?", RbacAccess::granted_clause(
                                                                   "address_group", kAccessAsShared,
                                                                   "address_groups.id")},
                            .order = " ORDER BY created_at, id"};
  const auto rows = groups.rows(s, ctx, id);
  // The addresses of the same groups.
  const auto scope = groups.where(ctx, id);
  std::map<std::string, std::vector<std::string>> addresses;
  for (const auto& r : s.query("SELECT address_group_id, address FROM address_associations WHERE "
                               "address_group_id IN (SELECT id FROM address_groups" +
                                   scope.sql + ") ORDER BY address",
                               scope.params)) {
    addresses[r.text(0)].push_back(r.text(1));
  }
  auto tags = TagStore::load_for(s, "address_groups", IdSelection::of(id));
  std::vector<Json> out;
  for (const auto& r : rows) {
    const std::string group_id = r.text(0);
    out.push_back({{"id", group_id},
                   {"name", r.text(2)},
                   {"description", r.text(3)},
                   {"tenant_id", r.text(1)},
                   {"project_id", r.text(1)},
                   {"addresses", addresses[group_id]},
                   {"tags", tags[group_id]},
                   {"revision_number", r.integer(4)},
                   {"created_at", clock::format_iso8601(r.integer(5))},
                   {"updated_at", clock::format_iso8601(r.integer(6))}});
  }
  return out;
}

Json AddressGroupService::show(store::SqlSession& s, const AuthContext& ctx,
                               const std::string& id) const {
  if (!RbacAccess::granted(s, "address_group", id, kAccessAsShared, ctx.project_id)) {
    owned(s, ctx, id);
  }
  return load(s, ctx, id).front();
}

std::vector<Json> AddressGroupService::list(store::SqlSession& s, const AuthContext& ctx) const {
  return load(s, ctx, std::nullopt);
}

Json AddressGroupService::update(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id, const Json& attributes) const {
  owned(s, ctx, id);
  for (const char* column : {"name", "description"}) {
    if (attributes.contains(column)) {
      s.execute(std::string("UPDATE address_groups SET ") + column + " = ? WHERE id = ?",
                {attributes[column].get<std::string>(), id});
    }
  }
  touch(s, id);
  return show(s, ctx, id);
}

void AddressGroupService::remove(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id) const {
  owned(s, ctx, id);
  // Any project's rule counts, as Neutron looks them up elevated.
  if (!s.query("SELECT 1 FROM securitygrouprules WHERE remote_address_group_id = ? LIMIT 1", {id})
           .empty()) {
    throw api::conflict("AddressGroupInUse",
                        "Address group " + id + " is in use on one or more security group rules.");
  }
  TagStore::remove_all(s, "address_groups", id);
  RbacAccess::remove_all(s, "address_group", id);
  s.execute("DELETE FROM address_groups WHERE id = ?", {id});
  journal(s, id);
}

Json AddressGroupService::add_addresses(store::SqlSession& s, const AuthContext& ctx,
                                        const std::string& id, const Json& body) const {
  owned(s, ctx, id);
  const auto requested = parse_address_action(body);
  const auto present = addresses_of(s, id);
  std::set<std::string> already;
  for (const auto& address : requested) {
    if (present.contains(address)) {
      already.insert(address);
    }
  }
  if (!already.empty()) {
    throw api::bad_request(
        "Addresses " + python_list(already) + " already exist in the address group " + id + ".",
        "AddressesAlreadyExist");
  }
  check_total(present.size() + requested.size());
  insert_addresses(s, id, requested);
  touch(s, id);
  journal(s, id);
  return show(s, ctx, id);
}

Json AddressGroupService::remove_addresses(store::SqlSession& s, const AuthContext& ctx,
                                           const std::string& id, const Json& body) const {
  owned(s, ctx, id);
  const auto requested = parse_address_action(body);
  const auto present = addresses_of(s, id);
  std::set<std::string> missing;
  for (const auto& address : requested) {
    if (!present.contains(address)) {
      missing.insert(address);
    }
  }
  if (!missing.empty()) {
    throw api::not_found(
        "Addresses " + python_list(missing) + " not found in the address group " + id + ".",
        "AddressesNotFound");
  }
  for (const auto& address : requested) {
    s.execute("DELETE FROM address_associations WHERE address_group_id = ? AND address = ?",
              {id, address});
  }
  touch(s, id);
  journal(s, id);
  return show(s, ctx, id);
}

}  // namespace neutrino::neutron
