#include "controller/compute/nova_paging.hpp"

#include <algorithm>
#include <cctype>

#include "controller/api/api_error.hpp"

namespace neutrino::compute {

PageRequest parse_page(const http::QueryParams& query) {
  PageRequest page;
  for (const auto& [key, value] : query) {
    if (key == "limit") {
      const bool digits = !value.empty() && value.size() < 10 &&
                          std::all_of(value.begin(), value.end(),
                                      [](unsigned char c) { return std::isdigit(c) != 0; });
      if (!digits) {
        throw api::bad_request("Invalid input for query parameters limit. Value: " + value + ". '" +
                               value + "' does not match '^[0-9]*$'");
      }
      page.limit = std::min<size_t>(std::stoul(value), kMaxLimit);
    } else if (key == "marker") {
      page.marker = value;
    }
  }
  return page;
}

Page paginate(std::vector<Json> items, const PageRequest& page, const std::string& id_key,
              const http::QueryParams& query, const std::string& collection_url) {
  size_t start = 0;
  if (page.marker) {
    const auto it = std::find_if(items.begin(), items.end(), [&](const Json& item) {
      return item.contains(id_key) && item[id_key] == *page.marker;
    });
    if (it == items.end()) {
      throw api::bad_request("marker [" + *page.marker + "] not found", "MarkerNotFound");
    }
    start = static_cast<size_t>(it - items.begin()) + 1;
  }
  const size_t limit = page.limit.value_or(kMaxLimit);
  Page out;
  for (size_t i = start; i < items.size() && out.items.size() < limit; ++i) {
    out.items.push_back(std::move(items[i]));
  }
  if (page.limit && !out.items.empty() && out.items.size() == limit) {
    std::string href = collection_url + "?";
    for (const auto& [key, value] : query) {
      if (key != "marker") {
        href += http::percent_encode(key) + "=" + http::percent_encode(value) + "&";
      }
    }
    href += "marker=" + http::percent_encode(out.items.back()[id_key].get<std::string>());
    out.links = Json::array({{{"rel", "next"}, {"href", href}}});
  }
  return out;
}

}  // namespace neutrino::compute
