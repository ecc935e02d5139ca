#include "controller/store/postgres_database.hpp"

#include <random>
#include <thread>

#include "common/log.hpp"
#include "controller/store/postgres_dialect.hpp"
#include "controller/store/schema.hpp"

namespace neutrino::store {
namespace {

// Any 64-bit number, the same in every controller: the migration lock's key.
constexpr int64_t kMigrationLock = 0x6e657574726e6f;

// A pooled connection the server closed while it sat idle (a restart, a failover, an
// operator's pg_terminate_backend): found out at BEGIN, before the body ran, so the
// transaction simply takes another connection.
class StaleConnection : public StoreUnavailable {
 public:
  explicit StaleConnection(const std::string& message) : StoreUnavailable(message, false) {}
};

std::string session_setup(const PostgresOptions& options) {
  const std::string ms = std::to_string(options.statement_timeout.count());
  return "SET statement_timeout = " + ms + "; SET idle_in_transaction_session_timeout = " + ms +
         "; SET lock_timeout = " + ms + "; SET client_min_messages = warning";
}

}  // namespace

bool is_postgres_url(const std::string& target) {
  return target.rfind("postgresql://", 0) == 0 || target.rfind("postgres://", 0) == 0 ||
         target.rfind("postgresql+psycopg2://", 0) == 0;
}

PostgresDatabase::PostgresDatabase(std::string url, PostgresOptions options)
    : url_(std::move(url)),
      options_(options),
      pool_(url_, options.pool_size, options.acquire_timeout, options.connect_timeout_seconds,
            session_setup(options)) {
  migrate();
}

PostgresDatabase::~PostgresDatabase() = default;

void PostgresDatabase::migrate() {
  auto connection = pool_.acquire();
  const auto& migrations = schema_migrations();
  try {
    connection->exec_script("BEGIN");
    // Waiting for another controller's migration, or migrating a large table, may take longer
    // than a request's statement timeout allows.
    connection->exec_script(
        "SET LOCAL statement_timeout = '10min'; SET LOCAL lock_timeout = '10min'");
    connection->exec_script("SELECT pg_advisory_xact_lock(" + std::to_string(kMigrationLock) + ")");
    connection->exec_script("CREATE TABLE IF NOT EXISTS neutrino_schema_version (version BIGINT)");
    auto rows = connection->query("SELECT version FROM neutrino_schema_version");
    if (rows.empty()) {
      connection->execute("INSERT INTO neutrino_schema_version (version) VALUES (0)");
    }
    const int64_t version = rows.empty() ? 0 : rows[0].integer(0);
    if (version > static_cast<int64_t>(migrations.size())) {
      throw StoreError("the database has schema version " + std::to_string(version) +
                       ", newer than this binary understands");
    }
    for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
      const auto& m = migrations[v];
      connection->exec_script(m.postgres.empty() ? postgres_ddl(m.sql) : m.postgres);
    }
    connection->execute("UPDATE neutrino_schema_version SET version = ?",
                        {static_cast<int64_t>(migrations.size())});
    connection->exec_script("COMMIT");
  } catch (...) {
    pool_.release(nullptr);  // the connection is dropped: closing it rolls back
    throw;
  }
  pool_.release(std::move(connection));
}

void PostgresDatabase::attempt(PostgresConnection& connection, bool writable,
                               const std::function<void(SqlSession&)>& body) {
  try {
    connection.exec_script(writable ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                                    : "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  } catch (const StoreUnavailable& e) {
    if (!connection.healthy()) {
      throw StaleConnection(e.what());
    }
    throw;
  }
  try {
    body(connection);
    connection.exec_script("COMMIT");
  } catch (...) {
    if (connection.healthy()) {
      try {
        connection.exec_script("ROLLBACK");
      } catch (const std::exception& e) {
        log::error("store: ROLLBACK failed: ", e.what());
      }
    }
    throw;
  }
}

void PostgresDatabase::transact(bool writable, const std::function<void(SqlSession&)>& body) {
  const auto deadline = std::chrono::steady_clock::now() + options_.retry_timeout;
  thread_local std::minstd_rand jitter(std::random_device{}());
  size_t stale = 0;
  for (int attempt_number = 1;; ++attempt_number) {
    auto connection = pool_.acquire();
    try {
      attempt(*connection, writable, body);
      pool_.release(std::move(connection));
      return;
    } catch (const StaleConnection&) {
      pool_.release(std::move(connection));  // closed, its slot freed
      if (++stale > options_.pool_size) {
        throw;  // not stale connections: the server is gone
      }
    } catch (const SerializationFailure& e) {
      pool_.release(std::move(connection));
      if (std::chrono::steady_clock::now() >= deadline) {
        throw StoreUnavailable(std::string("gave up after ") + std::to_string(attempt_number) +
                                   " serialization failures: " + e.what(),
                               false);
      }
      {
        std::lock_guard lock(stats_mutex_);
        ++retries_;
      }
      // Back off a little, growing and jittered, so the writers that collided spread out.
      const int ceiling = std::min(100, 2 << std::min(attempt_number, 6));
      std::this_thread::sleep_for(std::chrono::milliseconds(1 + jitter() % ceiling));
    } catch (...) {
      pool_.release(std::move(connection));
      throw;
    }
  }
}

int64_t PostgresDatabase::serialization_retries() const {
  std::lock_guard lock(stats_mutex_);
  return retries_;
}

void PostgresDatabase::notify(const std::string& channel, const std::string& payload) {
  auto connection = pool_.acquire();
  try {
    connection->query("SELECT pg_notify(?, ?)", {channel, payload});
  } catch (...) {
    pool_.release(std::move(connection));
    throw;
  }
  pool_.release(std::move(connection));
}

void PostgresDatabase::listen(const std::string& channel, PostgresListener::Callback callback) {
  std::lock_guard lock(listener_mutex_);
  if (!listener_) {
    listener_ = std::make_unique<PostgresListener>(url_, options_.connect_timeout_seconds);
  }
  listener_->listen(channel, std::move(callback));
}

}  // namespace neutrino::store
