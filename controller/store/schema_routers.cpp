#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Neutron's L3 tables: routers (gw_port_id names the gateway port on the external network),
// routerports (which ports are a router's interfaces or gateway), routerroutes (extraroute)
// and floatingips. The unique key on floatingips is Neutron's: one floating IP per fixed
// address of a port on an external network. The services refuse (409) to delete a port a
// router or floating IP holds, and disassociate floating IPs from a port that goes.
const char* router_migration() {
  return R"sql(
CREATE TABLE routers (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  admin_state_up INTEGER NOT NULL DEFAULT 1,
  status TEXT NOT NULL DEFAULT 'ACTIVE',
  gw_port_id TEXT REFERENCES ports(id),
  enable_snat INTEGER NOT NULL DEFAULT 1,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX routers_project ON routers (project_id);
CREATE TABLE routerports (
  router_id TEXT NOT NULL REFERENCES routers(id) ON DELETE CASCADE,
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  port_type TEXT NOT NULL,
  PRIMARY KEY (router_id, port_id)
);
CREATE UNIQUE INDEX routerports_port ON routerports (port_id);
CREATE TABLE routerroutes (
  router_id TEXT NOT NULL REFERENCES routers(id) ON DELETE CASCADE,
  destination TEXT NOT NULL,
  nexthop TEXT NOT NULL,
  PRIMARY KEY (router_id, destination, nexthop)
);
CREATE TABLE floatingips (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  floating_ip_address TEXT NOT NULL,
  floating_network_id TEXT NOT NULL REFERENCES networks(id),
  floating_port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  fixed_port_id TEXT,
  fixed_ip_address TEXT,
  router_id TEXT REFERENCES routers(id),
  status TEXT NOT NULL DEFAULT 'DOWN',
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (floating_network_id, fixed_port_id, fixed_ip_address)
);
CREATE INDEX floatingips_project ON floatingips (project_id);
CREATE INDEX floatingips_fixed_port ON floatingips (fixed_port_id);
CREATE INDEX floatingips_router ON floatingips (router_id);
)sql";
}

}  // namespace neutrino::store::schema_parts
