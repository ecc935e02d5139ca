#pragma once
// The store a unit test runs against: a SQLite file in a fresh temporary directory, or, when
// NEUTRINO_TEST_STORE is "postgresql" or a postgresql:// URL, a fresh schema on a real
// PostgreSQL server: the one that URL (or NEUTRINO_TEST_PG_URL) names, which ctest's
// postgres_server fixture starts, else one this process starts through
// tests/support/postgres-server.sh and stops at exit. ctest runs the store-dependent tests
// once per store (neutrino_postgres_tests()), so both stores pass the same tests.
#include <filesystem>
#include <memory>
#include <string>

#include "controller/store/database.hpp"
#include "controller/store/postgres_database.hpp"
#include "controller/store/sqlite_database.hpp"

namespace neutrino::testing {

// True when this run targets PostgreSQL.
bool testing_postgres();

// The server's libpq URL (starting one if needed). Throws if none can be started.
std::string postgres_server_url();

enum class StoreKind { sqlite, postgres };

class TestDatabase {
 public:
  // The store NEUTRINO_TEST_STORE selects.
  explicit TestDatabase(store::SqliteOptions sqlite = {"normal", 10000},
                        store::PostgresOptions postgres = {});
  TestDatabase(StoreKind kind, store::SqliteOptions sqlite, store::PostgresOptions postgres);
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  store::Database& db() { return *db_; }
  // How to open this same store again (a second "controller"): a file path or a URL.
  const std::string& target() const { return target_; }
  bool postgres() const { return !schema_.empty(); }

 private:
  std::filesystem::path dir_;
  std::string schema_;
  std::string target_;
  std::unique_ptr<store::Database> db_;
};

}  // namespace neutrino::testing
