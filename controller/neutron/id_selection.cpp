#include "controller/neutron/id_selection.hpp"

#include "controller/store/sql_placeholders.hpp"

namespace neutrino::neutron {

IdSelection IdSelection::of(const std::optional<std::string>& id) {
  return id ? only({*id}) : all();
}

IdSelection IdSelection::only(const std::vector<std::string>& ids) {
  // "IN (NULL)" matches no row in SQLite and PostgreSQL alike; "IN ()" is SQLite's alone.
  return IdSelection(ids.empty() ? "NULL" : store::sql_placeholders(ids.size()),
                     store::SqlParams(ids.begin(), ids.end()));
}

IdSelection IdSelection::selected_by(const std::string& subquery, store::SqlParams params) {
  return IdSelection(subquery, std::move(params));
}

std::string IdSelection::clause(std::string_view keyword, std::string_view column) const {
  if (!in_list_) {
    return "";
  }
  return " " + std::string(keyword) + " " + std::string(column) + " IN (" + *in_list_ + ")";
}

store::SqlParams IdSelection::params(store::SqlParams leading) const {
  leading.insert(leading.end(), params_.begin(), params_.end());
  return leading;
}

}  // namespace neutrino::neutron
