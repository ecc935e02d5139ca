#include "controller/compute/flavor_store.hpp"

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kColumns =
    "SELECT id, flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap, rxtx_factor, "
    "is_public, disabled, description, created_at FROM flavors";

Flavor from_row(const store::SqlRow& r) {
  Flavor f;
  f.db_id = r.integer(0);
  f.flavorid = r.text(1);
  f.name = r.text(2);
  f.memory_mb = r.integer(3);
  f.vcpus = r.integer(4);
  f.root_gb = r.integer(5);
  f.ephemeral_gb = r.integer(6);
  f.swap = r.integer(7);
  const auto& factor = r.value(8);
  f.rxtx_factor = std::holds_alternative<double>(factor) ? std::get<double>(factor)
                                                         : static_cast<double>(r.integer(8));
  f.is_public = r.boolean(9);
  f.disabled = r.boolean(10);
  f.description = r.optional_text(11);
  f.created_at = r.integer(12);
  return f;
}

void load_extra_specs(store::SqlSession& s, Flavor& flavor) {
  for (const auto& r :
       s.query("SELECT key, value FROM flavor_extra_specs WHERE flavor_id = ?", {flavor.db_id})) {
    flavor.extra_specs[r.text(0)] = r.text(1);
  }
}

}  // namespace

std::optional<Flavor> FlavorStore::find(store::SqlSession& s, const std::string& flavorid) {
  const auto rows = s.query(std::string(kColumns) + " WHERE flavorid = ?", {flavorid});
  if (rows.empty()) {
    return std::nullopt;
  }
  Flavor flavor = from_row(rows[0]);
  load_extra_specs(s, flavor);
  return flavor;
}

bool FlavorStore::accessible(store::SqlSession& s, const Flavor& flavor,
                             const identity::AuthContext& ctx) {
  if (flavor.is_public || ctx.is_admin()) {
    return true;
  }
  return !s.query("SELECT 1 FROM flavor_projects WHERE flavor_id = ? AND project_id = ?",
                  {flavor.db_id, ctx.project_id})
              .empty();
}

Flavor FlavorStore::visible(store::SqlSession& s, const identity::AuthContext& ctx,
                            const std::string& flavorid) {
  auto flavor = find(s, flavorid);
  if (!flavor || !accessible(s, *flavor, ctx)) {
    throw api::not_found("Flavor " + flavorid + " could not be found.", "FlavorNotFound");
  }
  return *flavor;
}

std::vector<Flavor> FlavorStore::list(store::SqlSession& s) {
  std::vector<Flavor> out;
  std::map<int64_t, size_t> index;
  for (const auto& r : s.query(std::string(kColumns) + " ORDER BY flavorid")) {
    index[r.integer(0)] = out.size();
    out.push_back(from_row(r));
  }
  for (const auto& r : s.query("SELECT flavor_id, key, value FROM flavor_extra_specs")) {
    if (const auto it = index.find(r.integer(0)); it != index.end()) {
      out[it->second].extra_specs[r.text(1)] = r.text(2);
    }
  }
  return out;
}

Flavor FlavorStore::create(store::SqlSession& s, Flavor flavor) {
  if (!s.query("SELECT 1 FROM flavors WHERE name = ?", {flavor.name}).empty()) {
    throw api::conflict("FlavorExists", "Flavor with name " + flavor.name + " already exists.");
  }
  if (!s.query("SELECT 1 FROM flavors WHERE flavorid = ?", {flavor.flavorid}).empty()) {
    throw api::conflict("FlavorIdExists", "Flavor with ID " + flavor.flavorid + " already exists.");
  }
  flavor.created_at = clock::now_unix_seconds();
  s.execute(
      "INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, ephemeral_gb, swap, "
      "rxtx_factor, is_public, disabled, description, created_at, updated_at) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)",
      {flavor.flavorid, flavor.name, flavor.memory_mb, flavor.vcpus, flavor.root_gb,
       flavor.ephemeral_gb, flavor.swap, flavor.rxtx_factor, int64_t{flavor.is_public},
       store::null_if_empty(flavor.description), flavor.created_at, flavor.created_at});
  return *find(s, flavor.flavorid);
}

void FlavorStore::remove(store::SqlSession& s, const Flavor& flavor) {
  s.execute("DELETE FROM flavors WHERE id = ?", {flavor.db_id});
}

void FlavorStore::set_description(store::SqlSession& s, const Flavor& flavor,
                                  const std::optional<std::string>& description) {
  s.execute("UPDATE flavors SET description = ?, updated_at = ? WHERE id = ?",
            {store::null_if_empty(description), clock::now_unix_seconds(), flavor.db_id});
}

std::vector<std::string> FlavorStore::access_projects(store::SqlSession& s, const Flavor& flavor) {
  std::vector<std::string> out;
  for (const auto& r :
       s.query("SELECT project_id FROM flavor_projects WHERE flavor_id = ? ORDER BY project_id",
               {flavor.db_id})) {
    out.push_back(r.text(0));
  }
  return out;
}

bool FlavorStore::add_access(store::SqlSession& s, const Flavor& flavor,
                             const std::string& project) {
  try {
    s.savepoint([&] {
      s.execute("INSERT INTO flavor_projects (flavor_id, project_id) VALUES (?, ?)",
                {flavor.db_id, project});
    });
    return true;
  } catch (const store::ConstraintViolation&) {
    return false;
  }
}

bool FlavorStore::remove_access(store::SqlSession& s, const Flavor& flavor,
                                const std::string& project) {
  return s.execute("DELETE FROM flavor_projects WHERE flavor_id = ? AND project_id = ?",
                   {flavor.db_id, project}) > 0;
}

void FlavorStore::set_extra_specs(store::SqlSession& s, const Flavor& flavor,
                                  const std::map<std::string, std::string>& specs) {
  for (const auto& [key, value] : specs) {
    s.execute(
        "INSERT INTO flavor_extra_specs (flavor_id, key, value) VALUES (?, ?, ?) "
        "ON CONFLICT (flavor_id, key) DO UPDATE SET value = excluded.value",
        {flavor.db_id, key, value});
  }
}

bool FlavorStore::remove_extra_spec(store::SqlSession& s, const Flavor& flavor,
                                    const std::string& key) {
  return s.execute("DELETE FROM flavor_extra_specs WHERE flavor_id = ? AND key = ?",
                   {flavor.db_id, key}) > 0;
}

}  // namespace neutrino::compute
