#pragma once
// Which resources a batched load reads: all of them, the ids listed (an IN list) or those a
// subquery selects, so that a page of resources costs one query per table, not one per row.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "controller/store/sql_value.hpp"

namespace neutrino::neutron {

class IdSelection {
 public:
  static IdSelection all() { return IdSelection(std::nullopt, {}); }
  // One resource by id, or all of them without an id (a service's show and list).
  static IdSelection of(const std::optional<std::string>& id);
  // An empty list selects nothing.
  static IdSelection only(const std::vector<std::string>& ids);
  // `subquery` is "SELECT <id column> FROM ..." binding `params`.
  static IdSelection selected_by(const std::string& subquery, store::SqlParams params);

  // "" when all are selected, else " <keyword> <column> IN (...)" (keyword "WHERE" or "AND").
  std::string clause(std::string_view keyword, std::string_view column) const;
  // `leading` (what the statement binds before the clause), then what the clause binds.
  store::SqlParams params(store::SqlParams leading = {}) const;

 private:
  IdSelection(std::optional<std::string> in_list, store::SqlParams params)
      : in_list_(std::move(in_list)), params_(std::move(params)) {}

  std::optional<std::string> in_list_;  // what IN (...) holds; none selects all
  store::SqlParams params_;
};

}  // namespace neutrino::neutron
