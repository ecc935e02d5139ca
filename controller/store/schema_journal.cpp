#include "controller/store/schema_parts.hpp"

namespace neutrino::store::schema_parts {

// SQLite has one writer at a time: seq is given out by change_journal_head (one row) inside
// the writing transaction, so entries become visible in seq order.
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

// PostgreSQL writes concurrently: a head row every writer updates would make every pair of
// SERIALIZABLE writers conflict, so seq comes from a sequence instead. Entries may then become
// visible out of seq order (a slower transaction commits a lower seq late, or never); the
// follower handles that (ChangeJournal::in_flight). The head row keeps compacted_through only.
const char* change_journal_migration_postgres() {
  return R"sql(
CREATE SEQUENCE change_journal_seq AS BIGINT;
CREATE TABLE change_journal (
  seq BIGINT PRIMARY KEY,
  kind VARCHAR(32) COLLATE "C" NOT NULL,
  object_id VARCHAR(255) COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE change_journal_head (
  id BIGINT PRIMARY KEY,
  seq BIGINT NOT NULL,
  compacted_through BIGINT NOT NULL
);
INSERT INTO change_journal_head (id, seq, compacted_through) VALUES (1, 0, 0);
)sql";
}

}  // namespace neutrino::store::schema_parts
