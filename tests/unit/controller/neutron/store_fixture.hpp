#pragma once
// A fresh store per test (SQLite, or PostgreSQL under NEUTRINO_TEST_STORE), plus admin and
// member callers.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/random.hpp"
#include "controller/identity/auth_context.hpp"
#include "tests/support/test_database.hpp"

namespace neutrino::neutron::testing {

class StoreFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = std::make_unique<neutrino::testing::TestDatabase>(store::SqliteOptions{"normal", 5000});
    admin_.project_id = "admin-project";
    admin_.roles = {"admin", "member"};
    alice_.project_id = "alice-project";
    alice_.roles = {"member"};
    bob_.project_id = "bob-project";
    bob_.roles = {"member"};
  }
  void TearDown() override { db_.reset(); }

  store::Database& db() { return db_->db(); }

  std::unique_ptr<neutrino::testing::TestDatabase> db_;
  identity::AuthContext admin_;
  identity::AuthContext alice_;
  identity::AuthContext bob_;
};

}  // namespace neutrino::neutron::testing
