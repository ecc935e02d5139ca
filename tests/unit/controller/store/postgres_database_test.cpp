// What only the PostgreSQL store has: LISTEN/NOTIFY, a bounded pool, and recovery from a
// server that dropped its connections. Against a real server (ctest's postgres_server).
#include "controller/store/postgres_database.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include <unistd.h>

#include "controller/store/postgres_connection.hpp"
#include "tests/support/test_database.hpp"

namespace neutrino::store {
namespace {

using namespace std::chrono_literals;
using neutrino::testing::StoreKind;
using neutrino::testing::TestDatabase;

class Inbox {
 public:
  void add(const Notification& n) {
    std::lock_guard lock(mutex_);
    received_.push_back(n);
    changed_.notify_all();
  }
  bool wait_for(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return received_.size() >= count; });
  }
  std::vector<Notification> received() {
    std::lock_guard lock(mutex_);
    return received_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Notification> received_;
};

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  PostgresDatabase& open(PostgresOptions options = {}) {
    store_ = std::make_unique<TestDatabase>(StoreKind::postgres, SqliteOptions{}, options);
    return static_cast<PostgresDatabase&>(store_->db());
  }
  std::unique_ptr<TestDatabase> store_;
};

// NOTIFY channels are database-wide and every test's schema lives in the one test database:
// each test process listens on a channel of its own, or parallel tests hear each other.
std::string journal_channel() {
  return "journal_" + std::to_string(::getpid());
}

TEST_F(PostgresDatabaseTest, ListenersGetCommittedNotificationsOnly) {
  const std::string journal = journal_channel();
  auto& db = open();
  // A second controller on the same database: it listens, the first one notifies.
  PostgresDatabase other(store_->target());
  Inbox inbox;
  other.listen(journal, [&](const Notification& n) { inbox.add(n); });
  db.notify(journal, "42");
  EXPECT_THROW(db.write([&](SqlSession& s) {
    s.query("SELECT pg_notify(?, ?)", {journal, "rolled back"});
    throw std::runtime_error("refused");
  }),
               std::runtime_error);
  db.write([&](SqlSession& s) { s.query("SELECT pg_notify(?, ?)", {journal, "43"}); });
  db.notify("elsewhere", "not ours");
  ASSERT_TRUE(inbox.wait_for(2, 10s));
  std::this_thread::sleep_for(200ms);  // nothing more arrives
  const auto received = inbox.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].payload, "42");
  EXPECT_EQ(received[1].payload, "43");
  EXPECT_EQ(received[1].channel, journal);
  EXPECT_FALSE(received[1].missed);
}

TEST_F(PostgresDatabaseTest, ListenerReconnectsAndSaysWhatItMayHaveMissed) {
  const std::string journal = journal_channel();
  auto& db = open();
  Inbox inbox;
  db.listen(journal, [&](const Notification& n) { inbox.add(n); });
  db.read([](SqlSession& s) { s.query("SELECT 1"); });  // an idle pooled connection
  // The server drops this store's other connections (as on a failover or an operator's
  // kill); other tests' connections to the shared server carry other application names.
  PostgresConnection admin(store_->target(), 10);
  admin.exec_script(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() "
      "AND application_name = current_setting('application_name')");
  ASSERT_TRUE(inbox.wait_for(1, 20s));
  EXPECT_TRUE(inbox.received()[0].missed);
  // The pooled connections were dropped too: found dead at BEGIN, they are replaced.
  db.read([](SqlSession& s) { EXPECT_EQ(s.query("SELECT 1")[0].integer(0), 1); });
  // And notifications flow again.
  const size_t before = inbox.received().size();
  db.notify(journal, "after");
  ASSERT_TRUE(inbox.wait_for(before + 1, 10s));
  EXPECT_EQ(inbox.received().back().payload, "after");
}

TEST_F(PostgresDatabaseTest, APoolAtItsLimitMakesCallersWaitThenFail) {
  PostgresOptions options;
  options.pool_size = 1;
  options.acquire_timeout = 300ms;
  auto& db = open(options);
  std::mutex mutex;
  std::condition_variable cv;
  bool holding = false;
  bool release = false;
  std::thread holder([&] {
    db.read([&](SqlSession&) {
      std::unique_lock lock(mutex);
      holding = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    });
  });
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return holding; });
  }
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(db.read([](SqlSession& s) { s.query("SELECT 1"); }), StoreUnavailable);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 250ms);
  EXPECT_EQ(db.open_connections(), 1u);
  {
    std::lock_guard lock(mutex);
    release = true;
  }
  cv.notify_all();
  holder.join();
  db.read([](SqlSession& s) { s.query("SELECT 1"); });
}

TEST_F(PostgresDatabaseTest, AStatementOverItsTimeoutIsCancelled) {
  PostgresOptions options;
  options.statement_timeout = 200ms;
  auto& db = open(options);
  EXPECT_THROW(db.read([](SqlSession& s) { s.query("SELECT pg_sleep(5)"); }), StoreError);
  db.read([](SqlSession& s) { s.query("SELECT 1"); });
}

}  // namespace
}  // namespace neutrino::store
