#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's subnetpools and subnetpoolprefixes, and the pool a subnet was allocated from.
// The partial unique index makes "one default pool per IP version" a constraint. A pool's
// allocations count moves with every subnet allocated from it, so two concurrent allocations
// from one pool always write the same row and conflict (PostgreSQL retries one of them).
const char* subnet_pool_migration() {
  return R"sql(
CREATE TABLE subnetpools (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  ip_version INTEGER NOT NULL,
  default_prefixlen INTEGER NOT NULL,
  min_prefixlen INTEGER NOT NULL,
  max_prefixlen INTEGER NOT NULL,
  shared INTEGER NOT NULL DEFAULT 0,
  is_default INTEGER NOT NULL DEFAULT 0,
  default_quota INTEGER,
  address_scope_id TEXT,
  allocations INTEGER NOT NULL DEFAULT 0,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX subnetpools_project ON subnetpools (project_id);
CREATE UNIQUE INDEX subnetpools_one_default ON subnetpools (ip_version) WHERE is_default = 1;
CREATE TABLE subnetpoolprefixes (
  cidr TEXT NOT NULL,
  subnetpool_id TEXT NOT NULL REFERENCES subnetpools(id) ON DELETE CASCADE,
  PRIMARY KEY (cidr, subnetpool_id)
);
CREATE INDEX subnetpoolprefixes_pool ON subnetpoolprefixes (subnetpool_id);
ALTER TABLE subnets ADD COLUMN subnetpool_id TEXT REFERENCES subnetpools(id);
CREATE INDEX subnets_subnetpool ON subnets (subnetpool_id);
)sql";
}

}  // namespace neutrino::store::schema_parts
