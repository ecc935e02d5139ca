#pragma once
// A SQLite store in a fresh temporary directory, removed with the fixture.
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "controller/store/sqlite_database.hpp"

namespace neutrino::identity::testing {

class TempStore {
 public:
  TempStore() {
    std::string pattern = (std::filesystem::temp_directory_path() / "identity-test-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    db_ = std::make_unique<store::SqliteDatabase>((dir_ / "test.db").string(),
                                                  store::SqliteOptions{"normal", 10000});
  }
  ~TempStore() {
    db_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  TempStore(const TempStore&) = delete;
  TempStore& operator=(const TempStore&) = delete;

  store::SqliteDatabase& db() { return *db_; }

 private:
  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteDatabase> db_;
};

}  // namespace neutrino::identity::testing
