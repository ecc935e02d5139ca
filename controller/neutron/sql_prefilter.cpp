#include "controller/neutron/sql_prefilter.hpp"

#include <optional>
#include <vector>

#include "controller/store/sql_placeholders.hpp"

namespace neutrino::neutron {
namespace {

template <typename Values>
bool pushable(const Values& values) {
  return !values.empty() && values.size() <= SqlPrefilter::kMaxValuesPerKey;
}

// Whether the page is in descending id order in SQL: sort_dir=desc on id, or page_reverse
// (which reads the rows before the marker), not both.
std::optional<bool> id_order_descending(const ListQuery& query) {
  if (query.sort.size() > 1 || (query.sort.size() == 1 && query.sort.front().key != "id")) {
    return std::nullopt;
  }
  const bool descending = query.sort.size() == 1 && !query.sort.front().ascending;
  return descending != query.page_reverse;
}

std::string conjunction(const std::vector<std::string>& terms) {
  std::string all;
  for (const auto& term : terms) {
    all += (all.empty() ? "" : " AND ") + term;
  }
  return all;
}

// Every filter pushed and ordered by id: the marker's row, then `limit` rows past it.
SqlPrefilter paged(const ListQuery& query, const std::string& id_column,
                   std::vector<std::string> terms, const store::SqlParams& params,
                   bool descending) {
  SqlPrefilter out;
  if (query.marker) {
    terms.push_back(id_column + (descending ? " < ?" : " > ?"));
    out.condition = " AND (" + id_column + " = ? OR (" + conjunction(terms) + "))";
    out.params.push_back(*query.marker);
  } else if (!terms.empty()) {
    out.condition = " AND (" + conjunction(terms) + ")";
  }
  out.params.insert(out.params.end(), params.begin(), params.end());
  if (query.marker) {
    out.params.push_back(*query.marker);
  }
  const size_t rows = *query.limit + (query.marker ? 1 : 0);
  out.order_and_limit =
      " ORDER BY " + id_column + (descending ? " DESC" : " ASC") + " LIMIT " + std::to_string(rows);
  return out;
}

}  // namespace

SqlPrefilter SqlPrefilter::from(const ListQuery& query,
                                const std::map<std::string, std::string>& columns,
                                const std::string& id_column, const std::string& allocations_of) {
  std::vector<std::string> terms;
  store::SqlParams params;
  bool complete = query.tags.empty();
  for (const auto& [key, values] : query.filters) {
    const auto column = columns.find(key);
    if (column == columns.end() || !pushable(values)) {
      complete = false;
      continue;
    }
    terms.push_back(column->second + " IN (" + store::sql_placeholders(values.size()) + ")");
    params.insert(params.end(), values.begin(), values.end());
  }
  for (const auto& [key, values] : query.fixed_ips) {
    if (allocations_of.empty() || (key != "ip_address" && key != "subnet_id") ||
        !pushable(values)) {
      complete = false;
      continue;
    }
    terms.push_back(allocations_of + " IN (SELECT port_id FROM ipallocations WHERE " + key +
                    " IN (" + store::sql_placeholders(values.size()) + "))");
    params.insert(params.end(), values.begin(), values.end());
  }
  const auto descending = id_order_descending(query);
  if (complete && query.limit && descending) {
    return paged(query, id_column, terms, params, *descending);
  }
  SqlPrefilter out;
  if (terms.empty()) {
    return out;
  }
  const std::string all = conjunction(terms);
  if (query.marker) {
    out.condition = " AND (" + id_column + " = ? OR (" + all + "))";
    out.params.push_back(*query.marker);
  } else {
    out.condition = " AND (" + all + ")";
  }
  out.params.insert(out.params.end(), params.begin(), params.end());
  return out;
}

}  // namespace neutrino::neutron
