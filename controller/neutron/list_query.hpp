#pragma once
// The query string of GET /v2.0/<collection> as Neutron reads it: attribute filters, the
// four tag filters, fields, sort keys and pagination. Parsing validates what can be validated
// without the items (unknown attributes, sort directions, limit, fixed_ips syntax) and throws
// the same 400s as Neutron; value conversions that need the attribute's type (booleans,
// integers) happen when the query is applied, see list_filter.hpp.
#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "controller/http/http_request.hpp"

namespace neutrino::neutron {

struct SortKey {
  std::string key;
  bool ascending = true;
};

// Neutron's tagging filters; each set is the union of every value given for the key, split on
// commas ("tags=a,b&tags=c" is {a, b, c}). An empty set means the filter was not given.
struct TagFilters {
  std::set<std::string> all;      // tags: has every tag
  std::set<std::string> any;      // tags-any: has at least one
  std::set<std::string> not_all;  // not-tags: lacks at least one
  std::set<std::string> not_any;  // not-tags-any: has none

  bool empty() const { return all.empty() && any.empty() && not_all.empty() && not_any.empty(); }
};

struct ListQuery {
  // attribute -> accepted values; several values for one key are OR, different keys AND.
  std::map<std::string, std::vector<std::string>> filters;
  // fixed_ips=<key>=<value> filters of ports, grouped by key ("ip_address", "subnet_id",
  // "ip_address_substr"); kept apart because they look inside the list of addresses.
  std::map<std::string, std::set<std::string>> fixed_ips;
  TagFilters tags;
  std::vector<std::string> fields;    // empty = every attribute
  std::vector<SortKey> sort;          // as asked; the engine appends "id" ascending
  std::optional<size_t> limit;        // unset when absent or 0, as Neutron treats 0
  std::optional<std::string> marker;  // only kept with a limit: Neutron ignores it otherwise
  bool page_reverse = false;
  http::QueryParams original;  // the request's parameters, to rebuild pagination links
};

// `filterable` and `sortable` are the attribute names the collection accepts for filters and
// sort_key (Neutron's is_filter / is_sort_key); the tag filters are accepted when "tags" is
// filterable. Throws api::ApiError (400) with Neutron's type and message.
ListQuery parse_list_query(const http::QueryParams& params, const std::set<std::string>& filterable,
                           const std::set<std::string>& sortable);
// Same set for both.
ListQuery parse_list_query(const http::QueryParams& params,
                           const std::set<std::string>& attributes);

// Python's repr() of a list of strings, "['a', 'b']": Neutron formats its messages with it.
std::string python_list_repr(const std::vector<std::string>& values);

}  // namespace neutrino::neutron
