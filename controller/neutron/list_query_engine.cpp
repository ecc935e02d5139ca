#include "controller/neutron/list_query_engine.hpp"

#include <algorithm>
#include <optional>

#include "controller/neutron/list_filter.hpp"

namespace neutrino::neutron {
namespace {

const Json& attribute(const Json& item, const std::string& key) {
  static const Json kNull;
  const auto it = item.find(key);
  return it == item.end() ? kNull : *it;
}

std::string id_of(const Json& item) {
  const Json& id = attribute(item, "id");
  return id.is_string() ? id.get<std::string>() : id.dump();
}

// Null sorts before any value, as in Neutron's emulated sorting and MySQL's ORDER BY.
int compare(const Json& a, const Json& b, const std::vector<SortKey>& keys) {
  for (const auto& key : keys) {
    const Json& x = attribute(a, key.key);
    const Json& y = attribute(b, key.key);
    int result = 0;
    if (x.is_null() != y.is_null()) {
      result = x.is_null() ? -1 : 1;
    } else if (x < y) {
      result = -1;
    } else if (y < x) {
      result = 1;
    }
    if (result != 0) {
      return key.ascending ? result : -result;
    }
  }
  return 0;
}

// The page Neutron's DB query returns: rows strictly after (or, reversed, before) the marker
// in sort order, at most `limit` of them, always in the normal order.
std::vector<Json> paginate(std::vector<Json> sorted, const ListQuery& query,
                           const std::optional<Json>& marker, const std::vector<SortKey>& keys) {
  auto less = [&keys](const Json& a, const Json& b) { return compare(a, b, keys) < 0; };
  if (!query.limit) {
    // Neutron reverses the ORDER BY for page_reverse and only flips the rows back when a
    // limit is given, so page_reverse alone lists in reverse order.
    if (query.page_reverse) {
      std::reverse(sorted.begin(), sorted.end());
    }
    return sorted;
  }
  const size_t limit = *query.limit;
  auto first = sorted.begin();
  auto last = sorted.end();
  if (query.page_reverse) {
    if (marker) {
      last = std::lower_bound(sorted.begin(), sorted.end(), *marker, less);
    }
    first =
        last - std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(limit), last - sorted.begin());
  } else {
    if (marker) {
      first = std::upper_bound(sorted.begin(), sorted.end(), *marker, less);
    }
    last = first + std::min<std::ptrdiff_t>(static_cast<std::ptrdiff_t>(limit), last - first);
  }
  return std::vector<Json>(std::make_move_iterator(first), std::make_move_iterator(last));
}

// urllib.parse.urlencode as Neutron builds links: quote_plus, so a space is '+'.
std::string encode(const std::string& text) {
  std::string encoded = http::percent_encode(text);
  std::string out;
  for (size_t i = 0; i < encoded.size(); ++i) {
    if (encoded.compare(i, 3, "%20") == 0) {
      out += '+';
      i += 2;
    } else {
      out += encoded[i];
    }
  }
  return out;
}

std::string link(const std::string& base_url, const http::QueryParams& params) {
  std::string query;
  for (const auto& [key, value] : params) {
    query += (query.empty() ? "" : "&") + encode(key) + "=" + encode(value);
  }
  return base_url + "?" + query;
}

http::QueryParams without(http::QueryParams params, const std::string& key) {
  std::erase_if(params, [&key](const auto& entry) { return entry.first == key; });
  return params;
}

// api_common.get_pagination_links: Neutron does not look ahead, so a full page always gets
// "next" (possibly leading to an empty page) and "previous" is given even on the first page;
// only a short page in the direction of travel ends the chain.
Json pagination_links(const std::vector<Json>& page, const ListQuery& query,
                      const std::string& base_url) {
  Json links = Json::array();
  if (!query.limit) {
    return links;
  }
  const bool short_page = page.size() < *query.limit;
  if (!(short_page && !query.page_reverse)) {
    auto params = without(without(query.original, "marker"), "page_reverse");
    if (!page.empty()) {
      params.emplace_back("marker", id_of(page.back()));
    }
    links.push_back({{"rel", "next"}, {"href", link(base_url, params)}});
  }
  if (!(short_page && query.page_reverse)) {
    auto params = without(without(query.original, "marker"), "page_reverse");
    if (!page.empty()) {
      params.emplace_back("marker", id_of(page.front()));
    }
    params.emplace_back("page_reverse", "True");
    links.push_back({{"rel", "previous"}, {"href", link(base_url, params)}});
  }
  return links;
}

// Unknown fields are dropped silently, as Neutron's _fields() does.
Json project(Json item, const std::vector<std::string>& fields) {
  if (fields.empty() || !item.is_object()) {
    return item;
  }
  Json out = Json::object();
  for (const auto& field : fields) {
    auto it = item.find(field);
    if (it != item.end()) {
      out[field] = std::move(*it);
    }
  }
  return out;
}

}  // namespace

std::vector<SortKey> effective_sort(const ListQuery& query) {
  std::vector<SortKey> keys = query.sort;
  const bool has_id =
      std::any_of(keys.begin(), keys.end(), [](const SortKey& key) { return key.key == "id"; });
  if (!has_id) {
    keys.push_back({"id", true});
  }
  return keys;
}

Json apply_list_query(std::vector<Json> items, const ListQuery& query, const ListTarget& target) {
  check_filter_values(items, query);

  // Neutron loads the marker by id before running the query, so it may be filtered out
  // itself; only its sort-key values matter.
  std::optional<Json> marker;
  if (query.limit && query.marker) {
    auto it = std::find_if(items.begin(), items.end(),
                           [&query](const Json& item) { return id_of(item) == *query.marker; });
    if (it == items.end()) {
      throw target.marker_not_found
          ? target.marker_not_found(*query.marker)
          : api::not_found("Marker " + *query.marker + " could not be found.");
    }
    marker = *it;
  }

  std::vector<Json> selected;
  for (auto& item : items) {
    if (matches_filters(item, query)) {
      selected.push_back(std::move(item));
    }
  }
  const auto keys = effective_sort(query);
  std::stable_sort(selected.begin(), selected.end(),
                   [&keys](const Json& a, const Json& b) { return compare(a, b, keys) < 0; });
  std::vector<Json> page = paginate(std::move(selected), query, marker, keys);

  Json links = pagination_links(page, query, target.base_url);
  Json listed = Json::array();
  for (auto& item : page) {
    for (const auto& key : target.hidden) {
      item.erase(key);
    }
    listed.push_back(project(std::move(item), query.fields));
  }
  Json result = Json::object();
  result[target.collection] = std::move(listed);
  if (!links.empty()) {
    result[target.collection + "_links"] = std::move(links);
  }
  return result;
}

}  // namespace neutrino::neutron
