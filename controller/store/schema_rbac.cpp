#include "controller/store/postgres_dialect.hpp"
#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {
namespace {

// Neutron's networkrbacs, securitygrouprbacs, subnetpoolrbacs and addressscoperbacs in one
// table keyed by object type. The unique key is what makes a duplicate policy a conflict.
constexpr const char* kTable = R"sql(
CREATE TABLE rbac_policies (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  object_type TEXT NOT NULL,
  object_id TEXT NOT NULL,
  action TEXT NOT NULL,
  target_project TEXT NOT NULL,
  UNIQUE (object_type, object_id, action, target_project)
);
CREATE INDEX rbac_policies_object ON rbac_policies (object_id);
CREATE INDEX rbac_policies_project ON rbac_policies (project_id);
)sql";

// Objects shared (or external) before policies existed get the wildcard policy Neutron would
// have created for them, so that `shared` keeps its meaning across the upgrade.
std::string backfill(const std::string& uuid) {
  std::string sql;
  const char* sources[][3] = {
      {"network", "networks", "shared = 1"},
      {"subnetpool", "subnetpools", "shared = 1"},
      {"address_scope", "address_scopes", "shared = 1"},
  };
  for (const auto& source : sources) {
    sql += std::string("INSERT INTO rbac_policies SELECT ") + uuid + ", project_id, '" + source[0] +
           "', id, 'access_as_shared', '*' FROM " + source[1] + " WHERE " + source[2] + ";\n";
  }
  sql += "INSERT INTO rbac_policies SELECT " + uuid +
         ", project_id, 'network', id, 'access_as_external', '*' FROM networks WHERE "
         "router_external = 1;\n";
  return sql;
}

}  // namespace

std::string rbac_migration() {
  return std::string(kTable) +
         backfill(
             "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
             "substr(hex(randomblob(2)), 2) || '-a' || substr(hex(randomblob(2)), 2) || "
             "'-' || hex(randomblob(6)))");
}

std::string rbac_migration_postgres() {
  return postgres_ddl(kTable) + backfill("gen_random_uuid()::text");
}

}  // namespace neutrino::store::schema_parts
