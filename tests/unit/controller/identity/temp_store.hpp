#pragma once
// A fresh store per test: SQLite in a temporary directory, or PostgreSQL under
// NEUTRINO_TEST_STORE (tests/support/test_database.hpp).
#include "tests/support/test_database.hpp"

namespace neutrino::identity::testing {

class TempStore {
 public:
  TempStore() : db_(store::SqliteOptions{"normal", 10000}) {}

  store::Database& db() { return db_.db(); }

 private:
  neutrino::testing::TestDatabase db_;
};

}  // namespace neutrino::identity::testing
