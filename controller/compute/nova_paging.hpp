#pragma once
// limit/marker paging of Nova's collections: the items after the marker (400 "marker [<id>]
// not found" when it names none of them), at most `limit` of them (capped at Nova's
// [api] max_limit, 1000), and a "next" link carrying the last item's id when the page is full.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/http/http_request.hpp"

namespace neutrino::compute {

inline constexpr size_t kMaxLimit = 1000;

struct PageRequest {
  std::optional<size_t> limit;
  std::optional<std::string> marker;
};

// Throws 400 with Nova's query-parameter message for a limit that is not a non-negative
// integer.
PageRequest parse_page(const http::QueryParams& query);

struct Page {
  std::vector<Json> items;
  std::optional<Json> links;  // [{"rel": "next", "href": ...}] when the page is full
};

// `items` in their final order; `id_key` names each item's id ("id", "name", ...).
// `collection_url` is the link base, "http://h/compute/v2.1/flavors/detail".
Page paginate(std::vector<Json> items, const PageRequest& page, const std::string& id_key,
              const http::QueryParams& query, const std::string& collection_url);

}  // namespace neutrino::compute
