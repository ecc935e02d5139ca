#pragma once
// Opens the store a controller is configured with: a postgresql:// URL selects PostgreSQL,
// anything else is a SQLite file path (the embedded default).
#include <memory>
#include <string>

#include "controller/store/database.hpp"
#include "controller/store/postgres_database.hpp"
#include "controller/store/sqlite_database.hpp"

namespace neutrino::store {

std::unique_ptr<Database> open_database(const std::string& target, const SqliteOptions& sqlite = {},
                                        const PostgresOptions& postgres = {});

}  // namespace neutrino::store
