#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's address_scopes. Subnet pools name theirs in subnetpools.address_scope_id, which
// the service checks (a scope in use cannot be deleted), as Neutron does without a foreign key.
const char* address_scope_migration() {
  return R"sql(
CREATE TABLE address_scopes (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  ip_version INTEGER NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX address_scopes_project ON address_scopes (project_id);
CREATE INDEX subnetpools_address_scope ON subnetpools (address_scope_id);
)sql";
}

}  // namespace neutrino::store::schema_parts
