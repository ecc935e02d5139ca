#pragma once
// The part of a list query SQL can apply: equality on plain text columns and the port query's
// fixed_ips=ip_address/subnet_id conditions. It only narrows what a list loads (100,000 ports
// filtered by device_id load one, not all); apply_list_query still applies every filter to what
// was loaded, so a filter left out here changes the cost of a request, never its answer.
#include <map>
#include <string>

#include "controller/neutron/list_query.hpp"
#include "controller/store/sql_value.hpp"

namespace neutrino::neutron {

struct SqlPrefilter {
  // Appended to a WHERE clause: "" or " AND (...)", naming the columns given to from().
  std::string condition;
  store::SqlParams params;
  // Appended after the WHERE clause when SQL can cut the page itself: every filter was
  // pushed and the order is by id alone (ids sort the same in every collation). It keeps the
  // marker's row and the `limit` rows after it, all the list engine needs to cut the same page
  // and links. "" otherwise.
  std::string order_and_limit;

  bool empty() const { return condition.empty() && order_and_limit.empty(); }

  // `columns` maps an attribute to the qualified column it is stored in ("network_id" ->
  // "p.network_id"); only string attributes compared exactly belong there. `id_column` keeps
  // the marker's row in the result: the list engine looks the marker up among the unfiltered
  // items. With `allocations_of` (the port id column) fixed_ips filters become IN subqueries
  // on ipallocations.
  static SqlPrefilter from(const ListQuery& query,
                           const std::map<std::string, std::string>& columns,
                           const std::string& id_column, const std::string& allocations_of = "");

  // More values than this for one key are left to the list engine: a hostile query string must
  // not build an unbounded statement.
  static constexpr size_t kMaxValuesPerKey = 64;
};

}  // namespace neutrino::neutron
