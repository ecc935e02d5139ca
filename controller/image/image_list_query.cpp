#include "controller/image/image_list_query.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "controller/api/api_error.hpp"
#include "controller/image/image_view.hpp"

namespace neutrino::image {
namespace {

constexpr size_t kDefaultLimit = 25;
constexpr size_t kMaxLimit = 1000;

const std::vector<std::string>& sort_keys() {
  static const std::vector<std::string> keys = {"name", "status", "container_format", "disk_format",
                                                "size", "id",     "created_at",       "updated_at"};
  return keys;
}

struct SortKey {
  std::string key;
  bool ascending = false;
};

struct Query {
  std::multimap<std::string, std::string> filters;
  std::vector<SortKey> sort;
  size_t limit = kDefaultLimit;
  std::optional<std::string> marker;
};

std::string join(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    out += (out.empty() ? "" : ", ") + v;
  }
  return out;
}

void check_sort_key(const std::string& key) {
  if (std::find(sort_keys().begin(), sort_keys().end(), key) == sort_keys().end()) {
    throw api::bad_request("Invalid sort key: " + key +
                           ". It must be one of the following: " + join(sort_keys()) + ".");
  }
}

bool check_direction(const std::string& dir) {
  if (dir != "asc" && dir != "desc") {
    throw api::bad_request("Invalid sort direction: " + dir);
  }
  return dir == "asc";
}

Query parse(const http::QueryParams& params) {
  Query q;
  std::vector<std::string> keys;
  std::vector<std::string> dirs;
  for (const auto& [key, value] : params) {
    if (key == "limit") {
      if (value.empty() || value.size() > 9 ||
          !std::all_of(value.begin(), value.end(), ::isdigit)) {
        throw api::bad_request(value.rfind('-', 0) == 0 ? "limit param must be positive"
                                                        : "limit param must be an integer");
      }
      q.limit = std::min<size_t>(std::stoul(value), kMaxLimit);
    } else if (key == "marker") {
      q.marker = value;
    } else if (key == "sort_key") {
      check_sort_key(value);
      keys.push_back(value);
    } else if (key == "sort_dir") {
      check_direction(value);
      dirs.push_back(value);
    } else if (key == "sort") {
      size_t start = 0;
      while (start <= value.size()) {
        const size_t comma = std::min(value.find(',', start), value.size());
        const std::string item = value.substr(start, comma - start);
        const size_t colon = item.find(':');
        const std::string name = item.substr(0, colon);
        check_sort_key(name);
        q.sort.push_back(
            {name, colon == std::string::npos || check_direction(item.substr(colon + 1))});
        start = comma + 1;
      }
    } else if (key == "visibility") {
      if (value != "public" && value != "private" && value != "shared" && value != "community" &&
          value != "all") {
        throw api::bad_request("Invalid visibility value: " + value);
      }
      q.filters.emplace(key, value);
    } else if (key != "member_status") {
      q.filters.emplace(key, value);
    }
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const std::string dir = i < dirs.size() ? dirs[i] : (dirs.empty() ? "desc" : dirs.back());
    q.sort.push_back({keys[i], dir == "asc"});
  }
  if (q.sort.empty()) {
    q.sort.push_back({"created_at", false});
  }
  if (std::none_of(q.sort.begin(), q.sort.end(), [](const SortKey& k) { return k.key == "id"; })) {
    q.sort.push_back({"id", q.sort.back().ascending});
  }
  return q;
}

// The image's value for a filter or sort key, as text ("" when unset).
std::optional<std::string> attribute(const Json& view, const std::string& key) {
  if (!view.contains(key) || view[key].is_null()) {
    return std::nullopt;
  }
  const Json& v = view[key];
  return v.is_string() ? v.get<std::string>() : v.dump();
}

bool matches(const Json& view, const ImageRecord& image, const std::string& key,
             const std::string& value, const identity::AuthContext& ctx) {
  if (key == "visibility") {
    return value == "all" || image.visibility == value;
  }
  if (key == "tag") {
    return image.tags.contains(value);
  }
  if (key == "size_min" || key == "size_max") {
    if (value.empty() || !std::all_of(value.begin(), value.end(), ::isdigit)) {
      throw api::bad_request("Invalid value for " + key + ": " + value);
    }
    const int64_t bound = std::stoll(value);
    return image.size && (key == "size_min" ? *image.size >= bound : *image.size <= bound);
  }
  if (key == "os_hidden" || key == "protected") {
    // oslo's bool_from_string(strict=True), as Glance parses them: the openstack CLI sends
    // "os_hidden=True" when it looks an image up by name.
    std::string lower = value;
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    static const std::set<std::string> kTrue = {"1", "t", "true", "on", "y", "yes"};
    static const std::set<std::string> kFalse = {"0", "f", "false", "off", "n", "no"};
    if (!kTrue.contains(lower) && !kFalse.contains(lower)) {
      throw api::bad_request("Invalid value for " + key + ": " + value);
    }
    return attribute(view, key) == (kTrue.contains(lower) ? "true" : "false");
  }
  (void)ctx;
  const auto actual = attribute(view, key);
  if (value.rfind("in:", 0) == 0) {
    std::set<std::string> wanted;
    size_t start = 3;
    while (start <= value.size()) {
      const size_t comma = std::min(value.find(',', start), value.size());
      wanted.insert(value.substr(start, comma - start));
      start = comma + 1;
    }
    return actual && wanted.contains(*actual);
  }
  return actual == value;
}

int compare_values(const Json& a, const Json& b) {
  if (a.is_null() || b.is_null()) {
    return a.is_null() == b.is_null() ? 0 : (a.is_null() ? -1 : 1);
  }
  return a < b ? -1 : (b < a ? 1 : 0);
}

}  // namespace

Json list_images(std::vector<ImageRecord> images, const http::QueryParams& params,
                 const identity::AuthContext& ctx) {
  const Query q = parse(params);
  const bool visibility_given = q.filters.contains("visibility");
  const bool hidden_given = q.filters.contains("os_hidden");
  std::vector<Json> views;
  for (const auto& image : images) {
    // Glance leaves community images it does not own and hidden images out unless asked.
    if (!visibility_given && image.visibility == "community" && image.owner != ctx.project_id) {
      continue;
    }
    if (!hidden_given && image.os_hidden) {
      continue;
    }
    const Json view = image_view(image);
    bool keep = true;
    for (const auto& [key, value] : q.filters) {
      keep = keep && matches(view, image, key, value, ctx);
    }
    if (keep) {
      views.push_back(view);
    }
  }
  std::stable_sort(views.begin(), views.end(), [&](const Json& a, const Json& b) {
    for (const auto& key : q.sort) {
      const int c = compare_values(a.value(key.key, Json()), b.value(key.key, Json()));
      if (c != 0) {
        return key.ascending ? c < 0 : c > 0;
      }
    }
    return false;
  });
  size_t start = 0;
  if (q.marker) {
    const auto it = std::find_if(views.begin(), views.end(),
                                 [&](const Json& v) { return v["id"] == *q.marker; });
    if (it == views.end()) {
      throw api::bad_request("No image found with ID " + *q.marker);
    }
    start = static_cast<size_t>(it - views.begin()) + 1;
  }
  Json page = Json::array();
  for (size_t i = start; i < views.size() && page.size() < q.limit; ++i) {
    page.push_back(views[i]);
  }
  Json body = {{"images", page}, {"first", "/v2/images"}, {"schema", "/v2/schemas/images"}};
  if (!page.empty() && page.size() == q.limit && start + q.limit < views.size()) {
    std::string next = "/v2/images?";
    for (const auto& [key, value] : params) {
      if (key != "marker") {
        next += http::percent_encode(key) + "=" + http::percent_encode(value) + "&";
      }
    }
    body["next"] = next + "marker=" + page.back()["id"].get<std::string>();
  }
  return body;
}

}  // namespace neutrino::image
