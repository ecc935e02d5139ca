#pragma once
// The store on PostgreSQL, for several controllers sharing one database. Each transaction
// takes a pooled connection; writes run SERIALIZABLE, so code written against SQLite's single
// writer stays correct with concurrent writers, and a serialization failure or deadlock runs
// the whole body again (as SQLite's busy timeout waits) until a deadline. Migrations run under
// an advisory lock, so controllers starting together upgrade the schema once.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "controller/store/database.hpp"
#include "controller/store/postgres_listener.hpp"
#include "controller/store/postgres_pool.hpp"

namespace neutrino::store {

struct PostgresOptions {
  size_t pool_size = 16;
  std::chrono::milliseconds acquire_timeout{10000};
  // How long a write keeps retrying serialization failures before giving up.
  std::chrono::milliseconds retry_timeout{10000};
  int connect_timeout_seconds = 10;
  // No statement, and no transaction left idle, holds locks longer than this.
  std::chrono::milliseconds statement_timeout{30000};
};

class PostgresDatabase final : public Database {
 public:
  // `url`: postgresql://user@host/db (or a libpq "key=value" string). Applies the migrations.
  explicit PostgresDatabase(std::string url, PostgresOptions options = {});
  ~PostgresDatabase() override;

  // NOTIFY `channel` with `payload`, now (outside any transaction). Inside a write, the
  // same from SQL ("SELECT pg_notify(?, ?)") is delivered only if and when it commits.
  void notify(const std::string& channel, const std::string& payload = "");
  // Calls `callback` on every notification on `channel` (see PostgresListener).
  void listen(const std::string& channel, PostgresListener::Callback callback);
  size_t open_connections() const { return pool_.open_connections(); }
  int64_t serialization_retries() const;

 protected:
  void transact(bool writable, const std::function<void(SqlSession&)>& body) override;

 private:
  void migrate();
  void attempt(PostgresConnection& connection, bool writable,
               const std::function<void(SqlSession&)>& body);

  const std::string url_;
  const PostgresOptions options_;
  PostgresPool pool_;
  std::mutex listener_mutex_;
  std::unique_ptr<PostgresListener> listener_;  // started by the first listen()
  mutable std::mutex stats_mutex_;
  int64_t retries_ = 0;
};

// True when `target` names a PostgreSQL database rather than a SQLite file.
bool is_postgres_url(const std::string& target);

}  // namespace neutrino::store
