#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's service flavors (the flavors extension): network_flavors because Nova's flavors
// table has that name here; serviceprofiles and flavorserviceprofilebindings as in Neutron.
const char* network_flavor_migration() {
  return R"sql(
CREATE TABLE network_flavors (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL DEFAULT '',
  description TEXT,
  service_type TEXT NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL
);
CREATE TABLE serviceprofiles (
  id TEXT PRIMARY KEY,
  description TEXT,
  driver TEXT NOT NULL DEFAULT '',
  metainfo TEXT,
  enabled INTEGER NOT NULL DEFAULT 1
);
CREATE TABLE flavorserviceprofilebindings (
  flavor_id TEXT NOT NULL REFERENCES network_flavors (id) ON DELETE CASCADE,
  service_profile_id TEXT NOT NULL REFERENCES serviceprofiles (id),
  PRIMARY KEY (flavor_id, service_profile_id)
);
CREATE INDEX flavorserviceprofilebindings_profile
  ON flavorserviceprofilebindings (service_profile_id);
)sql";
}

}  // namespace neutrino::store::schema_parts
