#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Nova's instance_groups (server groups) and their members; a member leaves with its
// instance.
const char* server_group_migration() {
  return R"sql(
CREATE TABLE instance_groups (
  uuid TEXT PRIMARY KEY,
  project_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  name TEXT NOT NULL,
  policy TEXT NOT NULL,
  rules TEXT NOT NULL DEFAULT '{}',
  created_at INTEGER NOT NULL
);
CREATE INDEX instance_groups_project ON instance_groups (project_id);
CREATE TABLE instance_group_member (
  group_uuid TEXT NOT NULL REFERENCES instance_groups(uuid) ON DELETE CASCADE,
  instance_uuid TEXT NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
  position BIGINT NOT NULL DEFAULT 0,  -- the order members joined in
  PRIMARY KEY (group_uuid, instance_uuid)
);
CREATE INDEX instance_group_member_instance ON instance_group_member (instance_uuid);
)sql";
}

}  // namespace neutrino::store::schema_parts
