#pragma once
// One sqlite3 handle with a cache of prepared statements, exposed as an SqlSession.
#include <map>
#include <string>

#include "controller/store/sql_session.hpp"

struct sqlite3;
struct sqlite3_stmt;

namespace neutrino::store {

class SqliteConnection final : public SqlSession {
 public:
  // `vfs`: the SQLite VFS to open the file through; empty for the default (unix) one.
  SqliteConnection(const std::string& path, int busy_timeout_ms, const std::string& vfs = "");
  ~SqliteConnection() override;
  SqliteConnection(const SqliteConnection&) = delete;
  SqliteConnection& operator=(const SqliteConnection&) = delete;

  std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {}) override;
  int64_t execute(std::string_view sql, const SqlParams& params = {}) override;
  void savepoint(const std::function<void()>& body) override;
  SqlDialect dialect() const override { return SqlDialect::kSqlite; }
  // Runs one or more statements without parameters or results (PRAGMA, DDL, BEGIN).
  void exec_script(const std::string& sql);
  // True between BEGIN and COMMIT/ROLLBACK. SQLite may end a transaction by itself on
  // SQLITE_FULL or an I/O error, so this, not our own bookkeeping, says if ROLLBACK is due.
  bool in_transaction() const;

 private:
  sqlite3_stmt* prepare(std::string_view sql);
  void bind(sqlite3_stmt* stmt, const SqlParams& params);
  [[noreturn]] void fail(int code, std::string_view what);
  [[noreturn]] static void throw_for(int code, const std::string& message);

  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*, std::less<>> statements_;
  int savepoints_ = 0;
};

}  // namespace neutrino::store
