#pragma once
// The embedded store: one SQLite file in WAL mode. Writers are serialised by a mutex in front
// of BEGIN IMMEDIATE (so contention costs a queue, not a busy-retry loop); readers use their
// own connections and run in parallel with the writer.
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "controller/store/database.hpp"

struct sqlite3;

namespace neutrino::store {

class SqliteConnection;

struct SqliteOptions {
  // "full": every commit is fsynced, so an acknowledged write survives power loss.
  // "normal": WAL commits survive a process crash (kill -9) but not power loss; faster.
  std::string synchronous = "full";
  int busy_timeout_ms = 10000;
  // The SQLite VFS to open the file through; empty for the default. Tests use one that
  // simulates a full disk.
  std::string vfs;
};

class SqliteDatabase final : public Database {
 public:
  // Opens (creating if needed) the file and applies the schema migrations.
  SqliteDatabase(const std::string& path, SqliteOptions options = {});
  ~SqliteDatabase() override;

  const std::string& path() const { return path_; }

 protected:
  void transact(bool writable, const std::function<void(SqlSession&)>& body) override;

 private:
  std::unique_ptr<SqliteConnection> open_connection();
  // Ends a failed transaction. SQLite may have rolled it back already (SQLITE_FULL, I/O
  // errors); a ROLLBACK that fails leaves the connection unusable, so it is replaced.
  void roll_back(std::unique_ptr<SqliteConnection>& connection) noexcept;
  std::unique_ptr<SqliteConnection> take_reader();
  void return_reader(std::unique_ptr<SqliteConnection> connection);

  std::string path_;
  SqliteOptions options_;
  std::mutex write_mutex_;
  std::unique_ptr<SqliteConnection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<SqliteConnection>> idle_readers_;
};

}  // namespace neutrino::store
