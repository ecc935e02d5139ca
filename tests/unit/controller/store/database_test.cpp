// The store contract every implementation keeps, run against SQLite and a real PostgreSQL
// server alike (the server comes from ctest's postgres_server fixture).
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

#include "tests/support/test_database.hpp"

namespace neutrino::store {
namespace {

using neutrino::testing::StoreKind;
using neutrino::testing::TestDatabase;

class DatabaseTest : public ::testing::TestWithParam<StoreKind> {
 protected:
  void SetUp() override {
    store_ = std::make_unique<TestDatabase>(GetParam(), SqliteOptions{"normal", 30000},
                                            PostgresOptions{});
  }
  Database& db() { return store_->db(); }
  int64_t count_tags() {
    return db().read(
        [](SqlSession& s) { return s.query("SELECT COUNT(*) FROM tags")[0].integer(0); });
  }
  static void add_tag(SqlSession& s, const std::string& tag) {
    s.execute("INSERT INTO tags (resource_type, resource_id, tag) VALUES ('networks', 'n', ?)",
              {tag});
  }

  std::unique_ptr<TestDatabase> store_;
};

TEST_P(DatabaseTest, ValuesRoundTripWithTheirTypes) {
  const int64_t big = std::numeric_limits<int64_t>::max();
  const int64_t small = std::numeric_limits<int64_t>::min();
  db().write([&](SqlSession& s) {
    s.execute(
        "INSERT INTO agents (id, agent_type, \"binary\", host, admin_state_up, description, "
        "configurations, created_at, started_at, heartbeat_timestamp) "
        "VALUES (?, 'Open vSwitch agent', 'neutrino-agent', ?, ?, ?, ?, ?, ?, 0)",
        {"a1", "h\xc3\xa9te-'?'", int64_t{0}, std::monostate{}, "{\"k\": \"v?\"}", big, small});
  });
  const auto rows = db().read([](SqlSession& s) {
    return s.query(
        "SELECT host, admin_state_up, description, configurations, created_at, started_at, "
        "COUNT(*), SUM(created_at / 2), '?' FROM agents WHERE id = ? AND host LIKE 'h%' "
        "GROUP BY host, admin_state_up, description, configurations, created_at, started_at",
        {"a1"});
  });
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].text(0), "h\xc3\xa9te-'?'");
  EXPECT_FALSE(rows[0].boolean(1));
  EXPECT_TRUE(rows[0].is_null(2));
  EXPECT_EQ(rows[0].text(3), "{\"k\": \"v?\"}");
  EXPECT_EQ(rows[0].integer(4), big);
  EXPECT_EQ(rows[0].integer(5), small);
  EXPECT_EQ(rows[0].integer(6), 1);
  EXPECT_EQ(rows[0].integer(7), big / 2);
  EXPECT_EQ(rows[0].text(8), "?");
}

TEST_P(DatabaseTest, RealsAndIdentityKeysWork) {
  const auto flavor = db().write([](SqlSession& s) {
    s.execute(
        "INSERT INTO flavors (flavorid, name, memory_mb, vcpus, root_gb, rxtx_factor, "
        "created_at, updated_at) VALUES ('x', 'x', 1, 1, 1, ?, 0, 0)",
        {2.5});
    return s.query("SELECT id, rxtx_factor FROM flavors WHERE flavorid = 'x'");
  });
  EXPECT_GT(flavor[0].integer(0), 0);
  EXPECT_DOUBLE_EQ(std::get<double>(flavor[0].value(1)), 2.5);
  // The seed flavors got their creation time from the database's clock.
  const auto seeded = db().read([](SqlSession& s) {
    return s.query("SELECT created_at FROM flavors WHERE name = 'm1.tiny'")[0].integer(0);
  });
  EXPECT_GT(seeded, 1600000000);
}

TEST_P(DatabaseTest, ConstraintViolationsHaveOneType) {
  db().write([](SqlSession& s) { add_tag(s, "a"); });
  EXPECT_THROW(db().write([](SqlSession& s) { add_tag(s, "a"); }), ConstraintViolation);
  EXPECT_THROW(db().write([](SqlSession& s) {
    s.execute("INSERT INTO ml2_flat_allocations (physical_network, network_id) VALUES ('p', 'n')");
  }),
               ConstraintViolation);  // foreign key
  EXPECT_THROW(db().write([](SqlSession& s) {
    s.execute("INSERT INTO roles (id, name) VALUES ('r', NULL)");
  }),
               ConstraintViolation);
  EXPECT_EQ(count_tags(), 1);
}

TEST_P(DatabaseTest, ThrowingBodyRollsBackEverything) {
  EXPECT_THROW(db().write([&](SqlSession& s) {
    add_tag(s, "a");
    add_tag(s, "b");
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  EXPECT_EQ(count_tags(), 0);
}

TEST_P(DatabaseTest, AFailedStatementInASavepointLetsTheTransactionGoOn) {
  db().write([](SqlSession& s) { add_tag(s, "taken"); });
  const int64_t changed = db().write([](SqlSession& s) {
    add_tag(s, "before");
    EXPECT_THROW(s.savepoint([&] {
      add_tag(s, "undone");
      add_tag(s, "taken");
    }),
                 ConstraintViolation);
    s.savepoint([&] { add_tag(s, "kept"); });
    return s.execute("UPDATE tags SET resource_id = 'm' WHERE tag <> 'taken'");
  });
  EXPECT_EQ(changed, 2);
  EXPECT_EQ(count_tags(), 3);
  EXPECT_TRUE(db().read(
      [](SqlSession& s) { return s.query("SELECT 1 FROM tags WHERE tag = 'undone'").empty(); }));
}

// Read-modify-write from many threads loses no update: SQLite serialises writers, PostgreSQL
// runs them SERIALIZABLE and retries the losers.
TEST_P(DatabaseTest, ConcurrentReadModifyWriteLosesNoUpdate) {
  db().write(
      [](SqlSession& s) { s.execute("INSERT INTO roles (id, name) VALUES ('counter', '0')"); });
  constexpr int kThreads = 8;
  constexpr int kIncrements = 25;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kIncrements; ++i) {
        db().write([](SqlSession& s) {
          const int64_t value =
              std::stoll(s.query("SELECT name FROM roles WHERE id = 'counter'")[0].text(0));
          s.execute("UPDATE roles SET name = ? WHERE id = 'counter'", {std::to_string(value + 1)});
        });
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(db().read([](SqlSession& s) {
    return s.query("SELECT name FROM roles WHERE id = 'counter'")[0].text(0);
  }),
            std::to_string(kThreads * kIncrements));
}

TEST_P(DatabaseTest, ASecondOpenOfTheSameStoreSharesItsData) {
  db().write([](SqlSession& s) { add_tag(s, "shared"); });
  TestDatabase* first = store_.get();
  std::unique_ptr<Database> second;
  if (first->postgres()) {
    second = std::make_unique<PostgresDatabase>(first->target());
  } else {
    second = std::make_unique<SqliteDatabase>(first->target());
  }
  EXPECT_EQ(second->read([](SqlSession& s) { return s.query("SELECT tag FROM tags")[0].text(0); }),
            "shared");
}

INSTANTIATE_TEST_SUITE_P(Stores, DatabaseTest,
                         ::testing::Values(StoreKind::sqlite, StoreKind::postgres),
                         [](const auto& info) {
                           return info.param == StoreKind::sqlite ? "sqlite" : "postgresql";
                         });

}  // namespace
}  // namespace neutrino::store
