#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Names follow Nova's databases, so "select * from flavors" or "select uuid, vm_state from
// instances" mean what a Nova operator expects. Instances registered through the admin API
// (/v2.1/neutrino/instances) keep vm_state NULL: they are metadata records of guests booted
// elsewhere, not servers of the compute API.
const char* compute_migration() {
  return R"sql(
CREATE TABLE flavors (
  id INTEGER PRIMARY KEY,
  flavorid TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  memory_mb INTEGER NOT NULL,
  vcpus INTEGER NOT NULL,
  root_gb INTEGER NOT NULL,
  ephemeral_gb INTEGER NOT NULL DEFAULT 0,
  swap INTEGER NOT NULL DEFAULT 0,
  rxtx_factor REAL NOT NULL DEFAULT 1.0,
  is_public INTEGER NOT NULL DEFAULT 1,
  disabled INTEGER NOT NULL DEFAULT 0,
  description TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
-- Nova's classic flavors plus devstack's small ones (its m1.nano has 128 MiB, what cirros
-- and our guest image need; m1.micro 192), once, when the store first gets this schema: an
-- operator who deletes them does not see them come back.
INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, created_at, updated_at)
VALUES ('42', 'm1.nano', 128, 1, 1, CAST(strftime('%s', 'now') AS INTEGER),
        CAST(strftime('%s', 'now') AS INTEGER)),
       ('84', 'm1.micro', 192, 1, 1, CAST(strftime('%s', 'now') AS INTEGER),
        CAST(strftime('%s', 'now') AS INTEGER)),
       ('1', 'm1.tiny', 512, 1, 1, CAST(strftime('%s', 'now') AS INTEGER),
        CAST(strftime('%s', 'now') AS INTEGER)),
       ('2', 'm1.small', 2048, 1, 20, CAST(strftime('%s', 'now') AS INTEGER),
        CAST(strftime('%s', 'now') AS INTEGER)),
       ('3', 'm1.medium', 4096, 2, 40, CAST(strftime('%s', 'now') AS INTEGER),
        CAST(strftime('%s', 'now') AS INTEGER));
CREATE TABLE flavor_extra_specs (
  flavor_id INTEGER NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (flavor_id, key)
);
CREATE TABLE flavor_projects (
  flavor_id INTEGER NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,
  project_id TEXT NOT NULL,
  PRIMARY KEY (flavor_id, project_id)
);
-- Key pairs belong to users, not projects, as in Nova.
CREATE TABLE key_pairs (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  user_id TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  public_key TEXT NOT NULL,
  type TEXT NOT NULL DEFAULT 'ssh',
  created_at INTEGER NOT NULL,
  UNIQUE (user_id, name)
);
-- One nova-compute service and one compute node per agent host that reported compute
-- capacity in its hello. Up/down comes from the host's agent heartbeats.
CREATE TABLE services (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  host TEXT NOT NULL,
  "binary" TEXT NOT NULL,
  topic TEXT NOT NULL DEFAULT 'compute',
  disabled INTEGER NOT NULL DEFAULT 0,
  disabled_reason TEXT,
  forced_down INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (host, "binary")
);
CREATE TABLE compute_nodes (
  id INTEGER PRIMARY KEY,
  uuid TEXT NOT NULL UNIQUE,
  service_id INTEGER NOT NULL REFERENCES services(id) ON DELETE CASCADE,
  host TEXT NOT NULL UNIQUE,
  hypervisor_hostname TEXT NOT NULL,
  hypervisor_type TEXT NOT NULL,
  hypervisor_version INTEGER NOT NULL,
  virt_type TEXT NOT NULL,
  host_ip TEXT NOT NULL DEFAULT '',
  availability_zone TEXT NOT NULL,
  vcpus INTEGER NOT NULL,
  memory_mb INTEGER NOT NULL,
  local_gb INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
ALTER TABLE instances ADD COLUMN user_id TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN image_ref TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN kernel_id TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN ramdisk_id TEXT NOT NULL DEFAULT '';
ALTER TABLE instances ADD COLUMN vcpus INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN memory_mb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN root_gb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN ephemeral_gb INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN flavor TEXT NOT NULL DEFAULT '{}';
-- What the agent needs of the image, kernel and ramdisk, kept with the instance so a later
-- image change or deletion does not change a running guest (Nova's image_* system metadata).
ALTER TABLE instances ADD COLUMN image_meta TEXT NOT NULL DEFAULT '{}';
ALTER TABLE instances ADD COLUMN host TEXT;
ALTER TABLE instances ADD COLUMN node TEXT;
ALTER TABLE instances ADD COLUMN vm_state TEXT;
ALTER TABLE instances ADD COLUMN task_state TEXT;
ALTER TABLE instances ADD COLUMN power_state INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN desired_power TEXT NOT NULL DEFAULT 'running';
ALTER TABLE instances ADD COLUMN reboot_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE instances ADD COLUMN launched_at INTEGER;
ALTER TABLE instances ADD COLUMN display_description TEXT;
ALTER TABLE instances ADD COLUMN config_drive TEXT NOT NULL DEFAULT '';
CREATE INDEX instances_host ON instances (host);
-- The ports an instance uses, in boot order; preserve_on_delete marks ports the user gave
-- (--nic port-id), which are unbound rather than deleted with the server.
CREATE TABLE instance_ports (
  instance_uuid TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  port_id TEXT NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
  preserve_on_delete INTEGER NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (instance_uuid, port_id)
);
CREATE INDEX instance_ports_port ON instance_ports (port_id);
CREATE TABLE instance_faults (
  id INTEGER PRIMARY KEY,
  instance_uuid TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  code INTEGER NOT NULL,
  message TEXT NOT NULL,
  details TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX instance_faults_instance ON instance_faults (instance_uuid);
)sql";
}

const char* image_migration() {
  return R"sql(
CREATE TABLE images (
  id TEXT PRIMARY KEY,
  name TEXT,
  size INTEGER,
  virtual_size INTEGER,
  status TEXT NOT NULL,
  disk_format TEXT,
  container_format TEXT,
  checksum TEXT,
  os_hash_algo TEXT,
  os_hash_value TEXT,
  owner TEXT NOT NULL,
  visibility TEXT NOT NULL,
  min_disk INTEGER NOT NULL DEFAULT 0,
  min_ram INTEGER NOT NULL DEFAULT 0,
  protected INTEGER NOT NULL DEFAULT 0,
  os_hidden INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX images_owner ON images (owner);
CREATE TABLE image_properties (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (image_id, name)
);
CREATE TABLE image_tags (
  image_id TEXT NOT NULL REFERENCES images(id) ON DELETE CASCADE,
  value TEXT NOT NULL,
  PRIMARY KEY (image_id, value)
);
)sql";
}

}  // namespace neutrino::store::schema_parts
