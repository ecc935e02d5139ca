#pragma once
// One row change from an OVSDB monitor, as RFC 7047's <row-update> says it.
#include <string>
#include <vector>

#include "common/json.hpp"

namespace neutrino::agent::ovs {

struct RowUpdate {
  std::string table;
  std::string uuid;
  // Null for an inserted (or initial) row. For a modified row: only the columns that
  // changed, with their previous values.
  Json old_row;
  // Null for a deleted row; otherwise every monitored column.
  Json new_row;

  bool inserted() const { return old_row.is_null() && !new_row.is_null(); }
  bool deleted() const { return new_row.is_null(); }
};

// <table-updates> ({table: {uuid: {"old": row, "new": row}}}) → one entry per row.
// Throws std::invalid_argument when the shape is wrong.
std::vector<RowUpdate> parse_table_updates(const Json& table_updates);

}  // namespace neutrino::agent::ovs
