#include "controller/store/sqlite_database.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "common/random.hpp"

namespace neutrino::store {
namespace {

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-store-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "neutrino.db").string();
    db_ = std::make_unique<SqliteDatabase>(path_);
  }
  void TearDown() override {
    db_.reset();
    std::filesystem::remove_all(dir_);
  }
  int64_t count_tags() {
    return db_->read(
        [](SqlSession& s) { return s.query("SELECT COUNT(*) FROM tags")[0].integer(0); });
  }
  void add_tag(SqlSession& s, const std::string& tag) {
    s.execute("INSERT INTO tags (resource_type, resource_id, tag) VALUES ('networks', 'n', ?)",
              {tag});
  }

  std::filesystem::path dir_;
  std::string path_;
  std::unique_ptr<SqliteDatabase> db_;
};

TEST_F(SqliteDatabaseTest, AppliesSchemaInWalMode) {
  db_->read([](SqlSession& s) {
    EXPECT_EQ(s.query("PRAGMA journal_mode")[0].text(0), "wal");
    EXPECT_GE(s.query("PRAGMA user_version")[0].integer(0), 1);
    EXPECT_EQ(
        s.query("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ipallocations'")[0].integer(0),
        1);
  });
}

TEST_F(SqliteDatabaseTest, ThrowingBodyRollsBackEverything) {
  EXPECT_THROW(db_->write([&](SqlSession& s) {
    add_tag(s, "a");
    add_tag(s, "b");
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  EXPECT_EQ(count_tags(), 0);
  db_->write([&](SqlSession& s) { add_tag(s, "a"); });
  EXPECT_EQ(count_tags(), 1);
}

TEST_F(SqliteDatabaseTest, UniqueViolationIsConstraintViolationAndTransactionContinues) {
  db_->write([&](SqlSession& s) {
    add_tag(s, "a");
    EXPECT_THROW(add_tag(s, "a"), ConstraintViolation);
    add_tag(s, "b");  // the failed statement alone was undone
  });
  EXPECT_EQ(count_tags(), 2);
}

TEST_F(SqliteDatabaseTest, ValuesRoundTrip) {
  db_->write([](SqlSession& s) {
    s.execute("CREATE TABLE t (i INTEGER, r REAL, x TEXT, n TEXT)");
    s.execute("INSERT INTO t VALUES (?, ?, ?, ?)",
              {int64_t{1} << 40, 2.5, std::string("it's"), std::monostate{}});
    const auto row = s.query("SELECT i, r, x, n FROM t")[0];
    EXPECT_EQ(row.integer(0), int64_t{1} << 40);
    EXPECT_DOUBLE_EQ(std::get<double>(row.value(1)), 2.5);
    EXPECT_EQ(row.text(2), "it's");
    EXPECT_TRUE(row.is_null(3));
    EXPECT_FALSE(row.optional_text(3).has_value());
  });
}

TEST_F(SqliteDatabaseTest, ConcurrentWritersNeverLoseAnUpdate) {
  db_->write([](SqlSession& s) {
    s.execute("CREATE TABLE counter (v INTEGER)");
    s.execute("INSERT INTO counter VALUES (0)");
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        // Read-modify-write: only correct if each write() is one serialised transaction.
        db_->write([](SqlSession& s) {
          const int64_t v = s.query("SELECT v FROM counter")[0].integer(0);
          s.execute("UPDATE counter SET v = ?", {v + 1});
        });
        db_->read([](SqlSession& s) { s.query("SELECT v FROM counter"); });
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(db_->read([](SqlSession& s) { return s.query("SELECT v FROM counter")[0].integer(0); }),
            400);
}

TEST_F(SqliteDatabaseTest, ReopeningKeepsDataAndDoesNotReapplyMigrations) {
  db_->write([&](SqlSession& s) { add_tag(s, "kept"); });
  db_.reset();
  db_ = std::make_unique<SqliteDatabase>(path_);
  EXPECT_EQ(count_tags(), 1);
}

TEST_F(SqliteDatabaseTest, RefusesStoreFromTheFuture) {
  db_->write([](SqlSession& s) { s.execute("PRAGMA user_version = 999"); });
  db_.reset();
  EXPECT_THROW(SqliteDatabase{path_}, StoreError);
}

}  // namespace
}  // namespace neutrino::store
