#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's address_groups and address_associations: named sets of CIDRs, stored normalised
// (host bits cleared), each at most once per group.
const char* address_group_migration() {
  return R"sql(
CREATE TABLE address_groups (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX address_groups_project ON address_groups (project_id);
CREATE TABLE address_associations (
  address TEXT NOT NULL,
  address_group_id TEXT NOT NULL REFERENCES address_groups(id) ON DELETE CASCADE,
  PRIMARY KEY (address, address_group_id)
);
CREATE INDEX address_associations_group ON address_associations (address_group_id);
)sql";
}

// A rule's remote address group. No ON DELETE: an address group a rule names cannot be
// deleted (AddressGroupInUse), as in Neutron.
const char* remote_address_group_migration() {
  return R"sql(
ALTER TABLE securitygrouprules ADD COLUMN remote_address_group_id TEXT REFERENCES
  address_groups(id);
CREATE INDEX securitygrouprules_remote_address_group ON securitygrouprules
  (remote_address_group_id);
)sql";
}

}  // namespace neutrino::store::schema_parts
