#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// Keystone's groups and their members (Keystone's "group" and "user_group_membership").
const char* identity_group_migration() {
  return R"sql(
CREATE TABLE "group" (
  id TEXT PRIMARY KEY,
  domain_id TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  UNIQUE (domain_id, name)
);
CREATE TABLE user_group_membership (
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  group_id TEXT NOT NULL REFERENCES "group"(id) ON DELETE CASCADE,
  PRIMARY KEY (user_id, group_id)
);
)sql";
}

}  // namespace neutrino::store::schema_parts
