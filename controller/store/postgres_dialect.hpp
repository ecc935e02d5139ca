#pragma once
// What differs between the SQL the services write (SQLite's spelling of the portable subset)
// and what PostgreSQL accepts. Kept here so that no service knows which store it talks to.
#include <string>
#include <string_view>

namespace neutrino::store {

// '?' placeholders become $1, $2, ...; quoted literals, identifiers and comments are left alone.
std::string postgres_placeholders(std::string_view sql);

// A migration written for SQLite, in PostgreSQL's DDL: INTEGER is 64-bit (BIGINT), an INTEGER
// PRIMARY KEY is an identity column, REAL is DOUBLE PRECISION, TEXT compares byte-wise as in
// SQLite (COLLATE "C"), and "now" in seconds is EXTRACT(EPOCH ...).
std::string postgres_ddl(std::string_view sqlite_ddl);

}  // namespace neutrino::store
