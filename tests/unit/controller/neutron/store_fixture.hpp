#pragma once
// A fresh SQLite store in a temporary directory per test, plus admin and member callers.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/random.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/store/sqlite_database.hpp"

namespace neutrino::neutron::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-test-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    db_ = std::make_unique<store::SqliteDatabase>((dir_ / "neutrino.db").string(),
                                                  store::SqliteOptions{"normal", 5000});
    admin_.project_id = "admin-project";
    admin_.roles = {"admin", "member"};
    alice_.project_id = "alice-project";
    alice_.roles = {"member"};
    bob_.project_id = "bob-project";
    bob_.roles = {"member"};
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }

  store::Database& db() { return *db_; }

  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteDatabase> db_;
  identity::AuthContext admin_;
  identity::AuthContext alice_;
  identity::AuthContext bob_;
};

}  // namespace neutrino::neutron::testing
