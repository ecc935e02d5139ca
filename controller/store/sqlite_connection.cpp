#include "controller/store/sqlite_connection.hpp"

#include <sqlite3.h>

#include <string>

namespace neutrino::store {

SqliteConnection::SqliteConnection(const std::string& path, int busy_timeout_ms,
                                   const std::string& vfs) {
  const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &db_, flags, vfs.empty() ? nullptr : vfs.c_str());
  if (rc != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw StoreError("cannot open " + path + ": " + message);
  }
  sqlite3_busy_timeout(db_, busy_timeout_ms);
  sqlite3_extended_result_codes(db_, 1);
}

SqliteConnection::~SqliteConnection() {
  for (auto& [sql, stmt] : statements_) {
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db_);
}

void SqliteConnection::throw_for(int code, const std::string& message) {
  switch (code & 0xff) {
    case SQLITE_CONSTRAINT:
      throw ConstraintViolation(message);
    case SQLITE_FULL:
      throw StoreUnavailable(message, true);
    case SQLITE_IOERR:
      throw StoreUnavailable(message, false);
    default:
      throw StoreError(message);
  }
}

void SqliteConnection::fail(int code, std::string_view what) {
  throw_for(code, std::string(what) + ": " + sqlite3_errmsg(db_));
}

void SqliteConnection::exec_script(const std::string& sql) {
  char* error = nullptr;
  const int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    throw_for(rc, message);
  }
}

bool SqliteConnection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

sqlite3_stmt* SqliteConnection::prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    fail(rc, "prepare '" + std::string(sql) + "'");
  }
  statements_.emplace(std::string(sql), stmt);
  return stmt;
}

void SqliteConnection::bind(sqlite3_stmt* stmt, const SqlParams& params) {
  for (size_t i = 0; i < params.size(); ++i) {
    const int index = static_cast<int>(i + 1);
    const SqlValue& v = params[i];
    int rc = SQLITE_OK;
    if (std::holds_alternative<std::monostate>(v)) {
      rc = sqlite3_bind_null(stmt, index);
    } else if (const auto* n = std::get_if<int64_t>(&v)) {
      rc = sqlite3_bind_int64(stmt, index, *n);
    } else if (const auto* d = std::get_if<double>(&v)) {
      rc = sqlite3_bind_double(stmt, index, *d);
    } else {
      const auto& s = std::get<std::string>(v);
      rc = sqlite3_bind_text(stmt, index, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
    }
    if (rc != SQLITE_OK) {
      fail(rc, "bind");
    }
  }
}

std::vector<SqlRow> SqliteConnection::query(std::string_view sql, const SqlParams& params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params);
  std::vector<SqlRow> rows;
  for (;;) {
    const int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) {
      break;
    }
    if (rc != SQLITE_ROW) {
      sqlite3_reset(stmt);
      fail(rc, "query '" + std::string(sql) + "'");
    }
    const int n = sqlite3_column_count(stmt);
    std::vector<SqlValue> columns;
    columns.reserve(static_cast<size_t>(n));
    for (int c = 0; c < n; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_NULL:
          columns.emplace_back(std::monostate{});
          break;
        case SQLITE_INTEGER:
          columns.emplace_back(static_cast<int64_t>(sqlite3_column_int64(stmt, c)));
          break;
        case SQLITE_FLOAT:
          columns.emplace_back(sqlite3_column_double(stmt, c));
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          columns.emplace_back(
              std::string(text, static_cast<size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    rows.emplace_back(std::move(columns));
  }
  sqlite3_reset(stmt);
  return rows;
}

void SqliteConnection::savepoint(const std::function<void()>& body) {
  const std::string name = "neutrino_" + std::to_string(++savepoints_);
  exec_script("SAVEPOINT " + name);
  try {
    body();
  } catch (...) {
    --savepoints_;
    // SQLite ends the whole transaction by itself on SQLITE_FULL and I/O errors; then there
    // is no savepoint left to return to and the caller's rollback does the rest.
    if (in_transaction()) {
      try {
        exec_script("ROLLBACK TO " + name + "; RELEASE " + name);
      } catch (const std::exception&) {
      }
    }
    throw;
  }
  --savepoints_;
  exec_script("RELEASE " + name);
}

int64_t SqliteConnection::execute(std::string_view sql, const SqlParams& params) {
  sqlite3_stmt* stmt = prepare(sql);
  bind(stmt, params);
  int rc;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
  }
  if (rc != SQLITE_DONE) {
    sqlite3_reset(stmt);
    fail(rc, "execute '" + std::string(sql) + "'");
  }
  sqlite3_reset(stmt);
  return sqlite3_changes64(db_);
}

}  // namespace neutrino::store
