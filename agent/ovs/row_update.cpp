#include "agent/ovs/row_update.hpp"

#include <stdexcept>

namespace neutrino::agent::ovs {

std::vector<RowUpdate> parse_table_updates(const Json& table_updates) {
  if (!table_updates.is_object()) {
    throw std::invalid_argument("OVSDB table-updates must be an object: " +
                                table_updates.dump().substr(0, 200));
  }
  std::vector<RowUpdate> out;
  for (const auto& [table, rows] : table_updates.items()) {
    if (!rows.is_object()) {
      throw std::invalid_argument("OVSDB table-update of " + table + " must be an object");
    }
    for (const auto& [uuid, change] : rows.items()) {
      if (!change.is_object()) {
        throw std::invalid_argument("OVSDB row-update of " + table + " " + uuid +
                                    " must be an object");
      }
      out.push_back(
          RowUpdate{table, uuid, change.value("old", Json()), change.value("new", Json())});
    }
  }
  return out;
}

}  // namespace neutrino::agent::ovs
