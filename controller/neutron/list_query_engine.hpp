#pragma once
// Applies a parsed ListQuery to the resources a list request may see, the way Neutron's
// controller and DB layer do: filter, sort (with "id" as the last key so pages are stable),
// cut a page at the marker, build the next/previous links, then keep only the asked fields.
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/list_query.hpp"

namespace neutrino::neutron {

struct ListTarget {
  std::string collection;  // "ports": the response key, and "<collection>_links"
  std::string base_url;    // "http://127.0.0.1:9696/v2.0/ports", without a query
  // The error for a marker id that is not among the items. Neutron raises the resource's own
  // NotFound (404 PortNotFound "Port <id> could not be found."); when unset the error is
  // 404 HTTPNotFound "Marker <id> could not be found.".
  std::function<api::ApiError(const std::string& id)> marker_not_found;
  // Attributes the items carry only to be filtered on, never shown (Neutron's is_filter
  // without is_visible, as a subnet's "shared"): removed before the page is rendered.
  std::set<std::string> hidden;
};

// `items` are every resource the caller may show, already rendered; the marker is looked up
// among all of them, filtered or not, as Neutron fetches it by id. Returns
// {"<collection>": [...]} plus "<collection>_links" when there are links. Throws
// api::ApiError: 400 InvalidInput for a filter value of the wrong type, the marker's 404.
Json apply_list_query(std::vector<Json> items, const ListQuery& query, const ListTarget& target);

// The sort keys the engine uses: the asked ones, then "id" ascending unless already there.
std::vector<SortKey> effective_sort(const ListQuery& query);

}  // namespace neutrino::neutron
