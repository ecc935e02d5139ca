#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// seq is given out by change_journal_head (one row): the UPDATE that bumps it holds that row
// until commit on any database that locks rows, so journal entries become visible in seq
// order and a reader's "WHERE seq > ?" never skips one that commits late. Plain SQL that
// SQLite and PostgreSQL both run.
const char* change_journal_migration() {
  return R"sql(
CREATE TABLE change_journal (
  seq BIGINT PRIMARY KEY,
  kind VARCHAR(32) NOT NULL,
  object_id VARCHAR(255) NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE change_journal_head (
  id INTEGER PRIMARY KEY,
  seq BIGINT NOT NULL,
  compacted_through BIGINT NOT NULL
);
INSERT INTO change_journal_head (id, seq, compacted_through) VALUES (1, 0, 0);
)sql";
}

}  // namespace neutrino::store::schema_parts
