#pragma once
// Values that cross the store boundary. Portable between SQLite and PostgreSQL: NULL, integers,
// reals and text. Booleans are stored as 0/1 integers.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace neutrino::store {

using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;
using SqlParams = std::vector<SqlValue>;

inline SqlValue null_if_empty(const std::optional<std::string>& v) {
  if (!v) {
    return std::monostate{};
  }
  return *v;
}

class SqlRow {
 public:
  explicit SqlRow(std::vector<SqlValue> columns) : columns_(std::move(columns)) {}

  size_t size() const { return columns_.size(); }
  bool is_null(size_t i) const { return std::holds_alternative<std::monostate>(columns_.at(i)); }
  std::string text(size_t i) const;  // NULL reads as ""
  std::optional<std::string> optional_text(size_t i) const;
  int64_t integer(size_t i) const;  // NULL reads as 0
  bool boolean(size_t i) const { return integer(i) != 0; }
  const SqlValue& value(size_t i) const { return columns_.at(i); }

 private:
  std::vector<SqlValue> columns_;
};

// A UNIQUE / PRIMARY KEY / FOREIGN KEY violation. Callers that race on purpose (IP and MAC
// allocation) catch this and retry with another candidate.
class ConstraintViolation : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Any other store failure (I/O, corruption, busy beyond the timeout).
class StoreError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The store cannot write for now: its disk is full (SQLITE_FULL) or failing (an I/O error).
// The transaction was rolled back and nothing was written; reads still work, and the same
// write succeeds once space is freed, so the APIs answer 503 rather than 500.
class StoreUnavailable : public StoreError {
 public:
  StoreUnavailable(const std::string& message, bool disk_full)
      : StoreError(message), disk_full_(disk_full) {}
  bool disk_full() const { return disk_full_; }

 private:
  bool disk_full_;
};

}  // namespace neutrino::store
