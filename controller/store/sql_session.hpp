#pragma once
// The one way code above the store talks SQL. Statements use '?' placeholders and the portable
// subset of SQL that SQLite and PostgreSQL share; a backend translates what it must.
#include <functional>
#include <string_view>
#include <vector>

#include "controller/store/sql_value.hpp"

namespace neutrino::store {

// Which database a session talks to, for the few places that must differ (the change
// journal's sequence and its view of transactions still in flight).
enum class SqlDialect { kSqlite, kPostgres };

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t execute(std::string_view sql, const SqlParams& params = {}) = 0;
  // Runs `body` so that, if it throws, what it did is undone and the transaction goes on (the
  // exception still propagates). Code that catches a ConstraintViolation and carries on must
  // run the failing statement in here: PostgreSQL aborts the whole transaction on any error
  // otherwise.
  virtual void savepoint(const std::function<void()>& body) = 0;
  virtual SqlDialect dialect() const = 0;
};

}  // namespace neutrino::store
