#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's allowedaddresspairs and extradhcpopts, both owned by a port. `position` keeps the
// order the client gave, which is the order Neutron shows them in.
const char* port_options_migration() {
  return R"sql(
CREATE TABLE allowedaddresspairs (
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  mac_address TEXT NOT NULL,
  ip_address TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (port_id, mac_address, ip_address)
);
CREATE TABLE extradhcpopts (
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  opt_name TEXT NOT NULL,
  opt_value TEXT NOT NULL,
  ip_version INTEGER NOT NULL DEFAULT 4,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (port_id, opt_name, ip_version)
);
)sql";
}

}  // namespace neutrino::store::schema_parts
