#include "controller/store/sqlite_database.hpp"

#include "common/log.hpp"
#include "controller/store/schema.hpp"
#include "controller/store/sqlite_connection.hpp"

namespace neutrino::store {

SqliteDatabase::SqliteDatabase(const std::string& path, SqliteOptions options)
    : path_(path), options_(std::move(options)) {
  writer_ = open_connection();
  writer_->exec_script("PRAGMA journal_mode=WAL;");
  const auto& migrations = schema_migrations();
  const int64_t version = writer_->query("PRAGMA user_version")[0].integer(0);
  if (version > static_cast<int64_t>(migrations.size())) {
    throw StoreError(path + " has schema version " + std::to_string(version) +
                     ", newer than this binary understands");
  }
  for (size_t v = static_cast<size_t>(version); v < migrations.size(); ++v) {
    writer_->exec_script("BEGIN IMMEDIATE");
    try {
      writer_->exec_script(migrations[v].sql);
      writer_->exec_script("PRAGMA user_version=" + std::to_string(v + 1));
      writer_->exec_script("COMMIT");
    } catch (...) {
      roll_back(writer_);
      throw;
    }
  }
}

SqliteDatabase::~SqliteDatabase() = default;

std::unique_ptr<SqliteConnection> SqliteDatabase::open_connection() {
  auto connection =
      std::make_unique<SqliteConnection>(path_, options_.busy_timeout_ms, options_.vfs);
  connection->exec_script("PRAGMA foreign_keys=ON; PRAGMA synchronous=" + options_.synchronous +
                          ";");
  return connection;
}

std::unique_ptr<SqliteConnection> SqliteDatabase::take_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return connection;
    }
  }
  return open_connection();
}

void SqliteDatabase::return_reader(std::unique_ptr<SqliteConnection> connection) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(connection));
}

void SqliteDatabase::roll_back(std::unique_ptr<SqliteConnection>& connection) noexcept {
  if (!connection->in_transaction()) {
    return;  // SQLite rolled it back itself
  }
  try {
    connection->exec_script("ROLLBACK");
    return;
  } catch (const std::exception& e) {
    log::error("store: ROLLBACK failed (", e.what(), "); reopening the connection");
  }
  // Closing a connection rolls back its open transaction; the WAL stays consistent.
  try {
    connection = open_connection();
  } catch (const std::exception& e) {
    log::error("store: cannot reopen ", path_, ": ", e.what());
  }
}

void SqliteDatabase::transact(bool writable, const std::function<void(SqlSession&)>& body) {
  if (writable) {
    std::lock_guard lock(write_mutex_);
    if (writer_->in_transaction()) {
      roll_back(writer_);  // left open by a failure no ROLLBACK could end
    }
    writer_->exec_script("BEGIN IMMEDIATE");
    try {
      body(*writer_);
      writer_->exec_script("COMMIT");
    } catch (...) {
      roll_back(writer_);
      throw;
    }
    return;
  }
  auto reader = take_reader();
  reader->exec_script("BEGIN");
  try {
    body(*reader);
    reader->exec_script("COMMIT");
  } catch (...) {
    roll_back(reader);
    return_reader(std::move(reader));
    throw;
  }
  return_reader(std::move(reader));
}

}  // namespace neutrino::store
