#pragma once
// The one way code above the store talks SQL. Statements use '?' placeholders and the portable
// subset of SQL that SQLite and PostgreSQL share; a backend translates what it must.
#include <string_view>
#include <vector>

#include "controller/store/sql_value.hpp"

namespace neutrino::store {

class SqlSession {
 public:
  virtual ~SqlSession() = default;
  virtual std::vector<SqlRow> query(std::string_view sql, const SqlParams& params = {}) = 0;
  // Returns the number of rows changed.
  virtual int64_t execute(std::string_view sql, const SqlParams& params = {}) = 0;
};

}  // namespace neutrino::store
