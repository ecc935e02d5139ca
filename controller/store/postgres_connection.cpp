#include "controller/store/postgres_connection.hpp"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstring>

#include "controller/store/postgres_dialect.hpp"

namespace neutrino::store {
namespace {

// Type OIDs from PostgreSQL's pg_type.h (stable across versions).
constexpr Oid kBool = 16;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kNumeric = 1700;

// Prepared statements per connection; services build some SQL from filters, so the cache is
// bounded and simply emptied when full.
constexpr size_t kMaxStatements = 512;

[[noreturn]] void throw_for_state(const std::string& state, const std::string& message) {
  if (state.rfind("23", 0) == 0) {
    throw ConstraintViolation(message);
  }
  if (state == "40001" || state == "40P01") {
    throw SerializationFailure(message);
  }
  if (state == "53100") {
    throw StoreUnavailable(message, true);
  }
  if (state.rfind("08", 0) == 0 || state.rfind("53", 0) == 0 || state.rfind("57P", 0) == 0) {
    throw StoreUnavailable(message, false);
  }
  throw StoreError(message);
}

SqlValue decode(const char* text, int length, Oid type) {
  const std::string_view v(text, static_cast<size_t>(length));
  auto as_integer = [&](SqlValue fallback) -> SqlValue {
    int64_t n = 0;
    const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    return ec == std::errc() && end == v.data() + v.size() ? SqlValue(n) : fallback;
  };
  switch (type) {
    case kBool:
      return int64_t{v == "t" ? 1 : 0};
    case kInt2:
    case kInt4:
    case kInt8:
      return as_integer(std::string(v));
    case kNumeric:  // SUM() and EXTRACT(): integral values read as integers, as in SQLite
      return as_integer(std::strtod(std::string(v).c_str(), nullptr));
    case kFloat4:
    case kFloat8:
      return std::strtod(std::string(v).c_str(), nullptr);
    default:
      return std::string(v);
  }
}

}  // namespace

void PostgresConnection::ResultDeleter::operator()(pg_result* r) const {
  PQclear(r);
}

PostgresConnection::PostgresConnection(const std::string& url, int connect_timeout_seconds) {
  const std::string timeout = std::to_string(connect_timeout_seconds);
  // Later keywords win, so a connect_timeout in the URL overrides ours.
  const char* keywords[] = {"connect_timeout", "dbname", nullptr};
  const char* values[] = {timeout.c_str(), url.c_str(), nullptr};
  conn_ = PQconnectdbParams(keywords, values, 1);
  if (conn_ == nullptr || PQstatus(conn_) != CONNECTION_OK) {
    const std::string message = conn_ ? PQerrorMessage(conn_) : "out of memory";
    PQfinish(conn_);
    conn_ = nullptr;
    throw StoreUnavailable("cannot connect to PostgreSQL: " + message, false);
  }
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection() {
  PQfinish(conn_);
}

bool PostgresConnection::healthy() const {
  return conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK;
}

void PostgresConnection::check(const Result& result, std::string_view what) {
  const auto status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) {
    return;
  }
  const std::string message = std::string(what) + ": " + PQerrorMessage(conn_);
  const char* state = result ? PQresultErrorField(result.get(), PG_DIAG_SQLSTATE) : nullptr;
  if (state == nullptr || !healthy()) {
    throw StoreUnavailable(message, false);  // the server went away: no SQLSTATE
  }
  throw_for_state(state, message);
}

void PostgresConnection::exec_script(const std::string& sql) {
  Result result(PQexec(conn_, sql.c_str()));
  check(result, sql);
}

const std::string& PostgresConnection::prepared(std::string_view sql, const SqlParams& params) {
  // A parameter's type is part of the statement: PostgreSQL fixes it when preparing.
  std::string key(sql);
  key += '\0';
  for (const auto& p : params) {
    key += static_cast<char>('0' + p.index());
  }
  auto it = statements_.find(key);
  if (it != statements_.end()) {
    return it->second;
  }
  if (statements_.size() >= kMaxStatements) {
    exec_script("DEALLOCATE ALL");
    statements_.clear();
  }
  std::vector<Oid> types;
  types.reserve(params.size());
  for (const auto& p : params) {
    // Text and NULL stay "unknown" so PostgreSQL infers them from where they are used, as
    // SQLite's type affinity would.
    types.push_back(std::holds_alternative<int64_t>(p)  ? kInt8
                    : std::holds_alternative<double>(p) ? kFloat8
                                                        : 0);
  }
  std::string name = "n" + std::to_string(++next_statement_);
  const std::string translated = postgres_placeholders(sql);
  Result result(PQprepare(conn_, name.c_str(), translated.c_str(), static_cast<int>(types.size()),
                          types.data()));
  check(result, "prepare '" + std::string(sql) + "'");
  return statements_.emplace(std::move(key), std::move(name)).first->second;
}

PostgresConnection::Result PostgresConnection::run(std::string_view sql, const SqlParams& params) {
  const std::string& name = prepared(sql, params);
  std::vector<std::string> texts(params.size());
  std::vector<const char*> values(params.size(), nullptr);
  for (size_t i = 0; i < params.size(); ++i) {
    const SqlValue& p = params[i];
    if (const auto* n = std::get_if<int64_t>(&p)) {
      texts[i] = std::to_string(*n);
    } else if (const auto* d = std::get_if<double>(&p)) {
      char buffer[32];
      std::snprintf(buffer, sizeof buffer, "%.17g", *d);
      texts[i] = buffer;
    } else if (const auto* s = std::get_if<std::string>(&p)) {
      // Text goes as a C string: a NUL inside would silently cut it short.
      if (std::memchr(s->data(), '\0', s->size()) != nullptr) {
        throw StoreError("a text value holds a NUL character, which PostgreSQL cannot store");
      }
      texts[i] = *s;
    } else {
      continue;  // NULL
    }
    values[i] = texts[i].c_str();
  }
  Result result(PQexecPrepared(conn_, name.c_str(), static_cast<int>(values.size()), values.data(),
                               nullptr, nullptr, 0));
  check(result, "'" + std::string(sql) + "'");
  return result;
}

std::vector<SqlRow> PostgresConnection::query(std::string_view sql, const SqlParams& params) {
  const Result result = run(sql, params);
  const int rows = PQntuples(result.get());
  const int columns = PQnfields(result.get());
  std::vector<Oid> types(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    types[static_cast<size_t>(c)] = PQftype(result.get(), c);
  }
  std::vector<SqlRow> out;
  out.reserve(static_cast<size_t>(rows));
  for (int r = 0; r < rows; ++r) {
    std::vector<SqlValue> values;
    values.reserve(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(result.get(), r, c) != 0) {
        values.emplace_back(std::monostate{});
      } else {
        values.push_back(decode(PQgetvalue(result.get(), r, c), PQgetlength(result.get(), r, c),
                                types[static_cast<size_t>(c)]));
      }
    }
    out.emplace_back(std::move(values));
  }
  return out;
}

int64_t PostgresConnection::execute(std::string_view sql, const SqlParams& params) {
  const Result result = run(sql, params);
  const char* changed = PQcmdTuples(result.get());
  return changed[0] == '\0' ? 0 : std::strtoll(changed, nullptr, 10);
}

void PostgresConnection::savepoint(const std::function<void()>& body) {
  const std::string name = "neutrino_" + std::to_string(++savepoints_);
  exec_script("SAVEPOINT " + name);
  try {
    body();
  } catch (...) {
    --savepoints_;
    if (healthy()) {
      try {
        exec_script("ROLLBACK TO SAVEPOINT " + name + "; RELEASE SAVEPOINT " + name);
      } catch (const std::exception&) {
        // The transaction is lost; the caller's rollback ends it.
      }
    }
    throw;
  }
  --savepoints_;
  exec_script("RELEASE SAVEPOINT " + name);
}

}  // namespace neutrino::store
