#include "controller/store/schema.hpp"

#include "controller/store/schema_parts.hpp"

namespace neutrino::store {

// Table and column names follow Neutron's and Keystone's, so an operator who knows those
// finds things where they expect ("select * from ipallocations").
const std::vector<Migration>& schema_migrations() {
  static const std::vector<Migration> migrations = {
      R"sql(
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  domain_id TEXT NOT NULL,
  password_hash TEXT,
  email TEXT,
  description TEXT NOT NULL DEFAULT '',
  enabled INTEGER NOT NULL DEFAULT 1,
  default_project_id TEXT,
  created_at INTEGER NOT NULL,
  UNIQUE (domain_id, name)
);
CREATE TABLE roles (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE role_assignments (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  role_id TEXT NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, project_id, role_id)
);
-- Only a digest of each token is kept: a stolen database yields no usable token.
CREATE TABLE tokens (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  project_id TEXT REFERENCES projects(id) ON DELETE CASCADE,
  methods TEXT NOT NULL,
  audit_id TEXT NOT NULL,
  issued_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tokens_expiry ON tokens (expires_at);

CREATE TABLE networks (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL,
  admin_state_up INTEGER NOT NULL,
  shared INTEGER NOT NULL,
  router_external INTEGER NOT NULL,
  mtu INTEGER NOT NULL,
  port_security_enabled INTEGER NOT NULL,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX networks_project ON networks (project_id);
CREATE TABLE networksegments (
  id TEXT PRIMARY KEY,
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  network_type TEXT NOT NULL,
  physical_network TEXT,
  segmentation_id INTEGER
);
CREATE INDEX networksegments_network ON networksegments (network_id);
-- Segment allocations hold only ids in use; the primary key is what makes an id unique.
CREATE TABLE ml2_vxlan_allocations (
  vxlan_vni INTEGER PRIMARY KEY,
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE
);
CREATE TABLE ml2_vlan_allocations (
  physical_network TEXT NOT NULL,
  vlan_id INTEGER NOT NULL,
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  PRIMARY KEY (physical_network, vlan_id)
);
CREATE TABLE ml2_flat_allocations (
  physical_network TEXT PRIMARY KEY,
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE
);

CREATE TABLE subnets (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  ip_version INTEGER NOT NULL,
  cidr TEXT NOT NULL,
  gateway_ip TEXT,
  enable_dhcp INTEGER NOT NULL,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX subnets_network ON subnets (network_id);
CREATE TABLE ipallocationpools (
  id TEXT PRIMARY KEY,
  subnet_id TEXT NOT NULL REFERENCES subnets(id) ON DELETE CASCADE,
  first_ip TEXT NOT NULL,
  last_ip TEXT NOT NULL
);
CREATE INDEX ipallocationpools_subnet ON ipallocationpools (subnet_id);
CREATE TABLE dnsnameservers (
  subnet_id TEXT NOT NULL REFERENCES subnets(id) ON DELETE CASCADE,
  address TEXT NOT NULL,
  "order" INTEGER NOT NULL,
  PRIMARY KEY (subnet_id, address)
);
CREATE TABLE subnetroutes (
  subnet_id TEXT NOT NULL REFERENCES subnets(id) ON DELETE CASCADE,
  destination TEXT NOT NULL,
  nexthop TEXT NOT NULL,
  PRIMARY KEY (subnet_id, destination, nexthop)
);

CREATE TABLE ports (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  network_id TEXT NOT NULL REFERENCES networks(id),
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  mac_address TEXT NOT NULL,
  admin_state_up INTEGER NOT NULL,
  status TEXT NOT NULL,
  device_id TEXT NOT NULL DEFAULT '',
  device_owner TEXT NOT NULL DEFAULT '',
  port_security_enabled INTEGER NOT NULL,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (network_id, mac_address)
);
CREATE INDEX ports_project ON ports (project_id);
CREATE INDEX ports_network ON ports (network_id);
CREATE INDEX ports_device ON ports (device_id);
CREATE TABLE ml2_port_bindings (
  port_id TEXT PRIMARY KEY REFERENCES ports(id) ON DELETE CASCADE,
  host TEXT NOT NULL DEFAULT '',
  vif_type TEXT NOT NULL,
  vnic_type TEXT NOT NULL,
  profile TEXT NOT NULL DEFAULT '{}',
  vif_details TEXT NOT NULL DEFAULT '{}'
);
-- The (ip_address, subnet_id) key makes a double allocation impossible, whatever the caller.
CREATE TABLE ipallocations (
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  ip_address TEXT NOT NULL,
  subnet_id TEXT NOT NULL REFERENCES subnets(id),
  network_id TEXT NOT NULL REFERENCES networks(id),
  PRIMARY KEY (ip_address, subnet_id)
);
CREATE INDEX ipallocations_port ON ipallocations (port_id);
CREATE INDEX ipallocations_subnet ON ipallocations (subnet_id);

CREATE TABLE tags (
  resource_type TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  tag TEXT NOT NULL,
  PRIMARY KEY (resource_type, resource_id, tag)
);
)sql",
      // Agents as `openstack network agent list` shows them; one row per (agent_type, host).
      R"sql(
CREATE TABLE agents (
  id TEXT PRIMARY KEY,
  agent_type TEXT NOT NULL,
  "binary" TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT 'N/A',
  host TEXT NOT NULL,
  admin_state_up INTEGER NOT NULL DEFAULT 1,
  description TEXT,
  availability_zone TEXT,
  configurations TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  heartbeat_timestamp INTEGER NOT NULL,
  UNIQUE (agent_type, host)
);
)sql",
      // Instances the compute driver registers, for the metadata service. Ports name them in
      // device_id. instance_id_mappings outlives its instance, as Nova's does, so an EC2 id
      // ("i-0000000a") is never handed to a second instance.
      R"sql(
CREATE TABLE instance_id_mappings (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE
);
CREATE TABLE instances (
  id TEXT PRIMARY KEY,
  reservation_id TEXT NOT NULL,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL,
  hostname TEXT NOT NULL,
  key_name TEXT,
  public_key TEXT,
  key_type TEXT NOT NULL DEFAULT 'ssh',
  user_data TEXT,
  availability_zone TEXT NOT NULL DEFAULT 'nova',
  launch_index INTEGER NOT NULL DEFAULT 0,
  flavor_name TEXT NOT NULL DEFAULT '',
  metadata TEXT NOT NULL DEFAULT '{}',
  security_groups TEXT NOT NULL DEFAULT '["default"]',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX instances_project ON instances (project_id);
)sql",
      // Security groups as Neutron keeps them. A port's groups are rows of
      // securitygroupportbindings; default_security_group's key makes "one default group per
      // project" a constraint instead of a check-then-insert. Rules go with their group and
      // with the group they name as remote_group_id, as in Neutron.
      R"sql(
CREATE TABLE securitygroups (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  name TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  stateful INTEGER NOT NULL DEFAULT 1,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX securitygroups_project ON securitygroups (project_id);
CREATE TABLE default_security_group (
  project_id TEXT PRIMARY KEY,
  security_group_id TEXT NOT NULL UNIQUE REFERENCES securitygroups(id) ON DELETE CASCADE
);
CREATE TABLE securitygrouprules (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  security_group_id TEXT NOT NULL REFERENCES securitygroups(id) ON DELETE CASCADE,
  remote_group_id TEXT REFERENCES securitygroups(id) ON DELETE CASCADE,
  direction TEXT NOT NULL,
  ethertype TEXT NOT NULL,
  protocol TEXT,
  port_range_min INTEGER,
  port_range_max INTEGER,
  remote_ip_prefix TEXT,
  description TEXT,
  revision_number INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX securitygrouprules_group ON securitygrouprules (security_group_id);
CREATE INDEX securitygrouprules_remote ON securitygrouprules (remote_group_id);
CREATE TABLE securitygroupportbindings (
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  security_group_id TEXT NOT NULL REFERENCES securitygroups(id) ON DELETE CASCADE,
  PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX securitygroupportbindings_group ON securitygroupportbindings (security_group_id);
)sql",
      // Keystone's failed-login count (its local_user.failed_auth_count and failed_auth_at),
      // kept with the user so that a lockout survives a restart, and its user option
      // ignore_lockout_failure_attempts.
      R"sql(
ALTER TABLE users ADD COLUMN failed_auth_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN failed_auth_at INTEGER;
ALTER TABLE users ADD COLUMN ignore_lockout_failure_attempts INTEGER NOT NULL DEFAULT 0;
)sql",
      schema_parts::compute_migration(),
      schema_parts::image_migration(),
      // IPv6 address modes of a subnet, NULL when unset (always for IPv4), as Neutron's
      // subnets.ipv6_ra_mode / ipv6_address_mode.
      R"sql(
ALTER TABLE subnets ADD COLUMN ipv6_ra_mode TEXT;
ALTER TABLE subnets ADD COLUMN ipv6_address_mode TEXT;
)sql",
      // Stores seeded before m1.nano and m1.micro had devstack's sizes: a guest needs 128 MiB
      // to boot (64 MiB boots neither cirros nor ours). Only flavors still as seeded change.
      R"sql(
UPDATE flavors SET memory_mb = 128 WHERE flavorid = '42' AND name = 'm1.nano' AND memory_mb = 64;
UPDATE flavors SET memory_mb = 192 WHERE flavorid = '84' AND name = 'm1.micro' AND memory_mb = 128;
)sql",
      // Fixed IPs and allocation pools keep the order they were given in, which SQLite's rowid
      // gave for free; PostgreSQL has no rowid, so the order is a column of its own.
      {R"sql(
ALTER TABLE ipallocations ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE ipallocations SET position = (SELECT COUNT(*) FROM ipallocations o
  WHERE o.port_id = ipallocations.port_id AND o.rowid < ipallocations.rowid);
ALTER TABLE ipallocationpools ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
UPDATE ipallocationpools SET position = (SELECT COUNT(*) FROM ipallocationpools o
  WHERE o.subnet_id = ipallocationpools.subnet_id AND o.rowid < ipallocationpools.rowid);
)sql",
       R"sql(
ALTER TABLE ipallocations ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
ALTER TABLE ipallocationpools ADD COLUMN position BIGINT NOT NULL DEFAULT 0;
)sql"},
      schema_parts::server_group_migration(),
      schema_parts::identity_group_migration(),
      schema_parts::subnet_pool_migration(),
      schema_parts::address_scope_migration(),
      // Neutron's quotas table: one row per limit a project was given (defaults are not
      // stored), and the row a quota check updates first so that concurrent creates of one
      // project's resource take turns on both stores. Quota usage is counted from the resource
      // tables themselves; these indexes keep that count cheap.
      R"sql(
CREATE TABLE quotas (
  id TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  "limit" INTEGER NOT NULL,
  UNIQUE (project_id, resource)
);
CREATE TABLE quota_locks (
  project_id TEXT NOT NULL,
  resource TEXT NOT NULL,
  PRIMARY KEY (project_id, resource)
);
CREATE INDEX subnets_project ON subnets (project_id);
CREATE INDEX securitygrouprules_project ON securitygrouprules (project_id);
)sql",
      // Last: the change journal (after every table whose writes it records).
      {schema_parts::change_journal_migration(), schema_parts::change_journal_migration_postgres()},
      // Appended after the journal, as every migration since.
      schema_parts::address_group_migration(),
      // port-numa-affinity-policy and port-device-profile: NULL when unset, as Neutron's
      // portnumaaffinitypolicies and portdeviceprofiles rows are absent.
      R"sql(
ALTER TABLE ports ADD COLUMN numa_affinity_policy TEXT;
ALTER TABLE ports ADD COLUMN device_profile TEXT;
)sql",
      // binding-extended: a port's inactive bindings, one per host (Nova's live migration
      // target). The active binding stays the port's ml2_port_bindings row.
      R"sql(
CREATE TABLE ml2_inactive_port_bindings (
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  vif_type TEXT NOT NULL,
  vnic_type TEXT NOT NULL,
  profile TEXT NOT NULL DEFAULT '{}',
  vif_details TEXT NOT NULL DEFAULT '{}',
  PRIMARY KEY (port_id, host)
);
)sql",
      // subnet-service-types: Neutron's subnet_service_types, with the order they were given.
      R"sql(
CREATE TABLE subnet_service_types (
  subnet_id TEXT NOT NULL REFERENCES subnets(id) ON DELETE CASCADE,
  service_type TEXT NOT NULL,
  position INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (subnet_id, service_type)
);
)sql",
      schema_parts::network_flavor_migration(),
      schema_parts::router_migration(),
      schema_parts::port_options_migration(),
      {schema_parts::rbac_migration(), schema_parts::rbac_migration_postgres()},
      schema_parts::remote_address_group_migration(),
      // network_availability_zone: the hints as Neutron stores them (a JSON list); and
      // dhcp_agent_scheduler: an admin's choice of a host's DHCP agent for a network, kept by
      // host (agent rows come and go with their reports). hosted = 1 adds the network to
      // what the agent asks for, 0 takes it away.
      R"sql(
ALTER TABLE networks ADD COLUMN availability_zone_hints TEXT NOT NULL DEFAULT '[]';
CREATE TABLE networkdhcpagentchoices (
  network_id TEXT NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
  host TEXT NOT NULL,
  hosted INTEGER NOT NULL,
  PRIMARY KEY (network_id, host)
);
)sql",
      // multi-provider: the order of a network's segments (Neutron's segment_index).
      R"sql(
ALTER TABLE networksegments ADD COLUMN segment_index INTEGER NOT NULL DEFAULT 0;
)sql",
      // compute: the kind of an instance's latest reboot (Nova's reboot_type), which the agent
      // carries out with its reboot_count.
      R"sql(
ALTER TABLE instances ADD COLUMN reboot_type TEXT NOT NULL DEFAULT 'SOFT';
)sql",
      // compute: the starts asked for, a counter the agent carries out as it does reboots, so
      // that a stop and a start that reach it as one change still start the guest.
      R"sql(
ALTER TABLE instances ADD COLUMN start_count INTEGER NOT NULL DEFAULT 0;
)sql",
      // The push-channel session of a connected agent (NULL: not connected), which the
      // controller chooses routers' gateway hosts among.
      R"sql(
ALTER TABLE agents ADD COLUMN channel_session TEXT;
)sql",
  };
  return migrations;
}

}  // namespace neutrino::store
