#pragma once
// The store's schema as an ordered list of migrations. Migration N brings a store from
// version N to N+1; a store records its version so upgrades apply only what is missing.
#include <string>
#include <vector>

namespace neutrino::store {

// One migration in the SQL both stores share. PostgreSQL runs `sql` through
// postgres_ddl() (types, identity keys, collation) unless `postgres` spells it out, for the
// few statements whose syntax differs (SQLite's rowid, strftime).
struct Migration {
  Migration(const char* portable) : sql(portable) {}  // NOLINT: a list of plain strings reads best
  Migration(std::string sqlite, std::string postgres_sql)
      : sql(std::move(sqlite)), postgres(std::move(postgres_sql)) {}

  std::string sql;
  std::string postgres;  // empty: translate `sql`
};

const std::vector<Migration>& schema_migrations();

}  // namespace neutrino::store
