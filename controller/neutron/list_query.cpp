#include "controller/neutron/list_query.hpp"

#include <algorithm>
#include <cctype>
#include <iterator>
#include <utility>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/list_filter.hpp"

namespace neutrino::neutron {
namespace {

// Keys Neutron's controller takes out before reading filters (api/v2/base.py _items).
const std::set<std::string> kReserved = {"fields", "sort_key", "sort_dir",
                                         "limit",  "marker",   "page_reverse"};
const std::set<std::string> kTagKeys = {"tags", "tags-any", "not-tags", "not-tags-any"};

// Parameters grouped by key in order of first appearance, as webob's dict_of_lists().
std::vector<std::pair<std::string, std::vector<std::string>>> group(
    const http::QueryParams& params) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;
  for (const auto& [key, value] : params) {
    auto it = std::find_if(groups.begin(), groups.end(),
                           [&wanted = key](const auto& entry) { return entry.first == wanted; });
    if (it == groups.end()) {
      groups.emplace_back(key, std::vector<std::string>{value});
    } else {
      it->second.push_back(value);
    }
  }
  return groups;
}

// All non-empty values of a key (Neutron's list_args).
std::vector<std::string> list_args(const http::QueryParams& params, const std::string& key) {
  std::vector<std::string> values;
  for (const auto& [name, value] : params) {
    if (name == key && !value.empty()) {
      values.push_back(value);
    }
  }
  return values;
}

// webob's request.GET.get(): the last value of the key.
std::optional<std::string> last_value(const http::QueryParams& params, const std::string& key) {
  std::optional<std::string> found;
  for (const auto& [name, value] : params) {
    if (name == key) {
      found = value;
    }
  }
  return found;
}

std::vector<std::string> split_commas(const std::string& text) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    parts.push_back(text.substr(start, comma - start));
    if (comma == std::string::npos) {
      return parts;
    }
    start = comma + 1;
  }
}

std::string strip(const std::string& text) {
  const char* spaces = " \t\n\r\f\v";
  const size_t first = text.find_first_not_of(spaces);
  if (first == std::string::npos) {
    return "";
  }
  return text.substr(first, text.find_last_not_of(spaces) - first + 1);
}

// neutron_lib converters.convert_kvp_list_to_dict: "ip_address=10.0.0.5" -> {ip_address: {..}}.
std::map<std::string, std::set<std::string>> parse_key_value_list(
    const std::vector<std::string>& values) {
  std::map<std::string, std::set<std::string>> result;
  // A bare "--flag" from old clients arrives as the single value "True": no filter at all.
  if (values == std::vector<std::string>{"True"}) {
    return result;
  }
  for (const auto& text : values) {
    const size_t eq = text.find('=');
    const std::string key = strip(text.substr(0, eq));
    if (eq == std::string::npos || key.empty()) {
      throw api::bad_request("Invalid input for operation: '" + text_prefix(text) +
                                 "' is not of the form <key>=[value].",
                             "InvalidInput");
    }
    result[key].insert(strip(text.substr(eq + 1)));
  }
  return result;
}

void add_tags(std::set<std::string>& target, const std::vector<std::string>& values) {
  for (const auto& value : values) {
    for (auto& tag : split_commas(value)) {
      target.insert(std::move(tag));
    }
  }
}

void parse_filters(const http::QueryParams& params, const std::set<std::string>& filterable,
                   ListQuery& query) {
  std::vector<std::string> invalid;
  for (const auto& [key, values] : group(params)) {
    if (kReserved.count(key) != 0) {
      continue;
    }
    const bool known =
        kTagKeys.count(key) != 0 ? filterable.count("tags") != 0 : filterable.count(key) != 0;
    if (!known) {
      invalid.push_back(key);
    } else if (key == "tags") {
      add_tags(query.tags.all, values);
    } else if (key == "tags-any") {
      add_tags(query.tags.any, values);
    } else if (key == "not-tags") {
      add_tags(query.tags.not_all, values);
    } else if (key == "not-tags-any") {
      add_tags(query.tags.not_any, values);
    } else if (key == "fixed_ips") {
      query.fixed_ips = parse_key_value_list(values);
    } else {
      // Empty values stay: Neutron's empty-string-filtering makes "name=" match "".
      query.filters[key] = values;
    }
  }
  if (!invalid.empty()) {
    throw api::bad_request(python_list_repr(invalid) + " is invalid attribute for filtering");
  }
}

void parse_fields(const http::QueryParams& params, ListQuery& query) {
  // Neutron takes only repeated fields=; commas are split too since no attribute has one.
  for (const auto& value : list_args(params, "fields")) {
    for (auto& field : split_commas(value)) {
      if (!field.empty() &&
          std::find(query.fields.begin(), query.fields.end(), field) == query.fields.end()) {
        query.fields.push_back(std::move(field));
      }
    }
  }
}

// neutron/api/api_common.py get_sorts: both lists must have the same length, even zero dirs.
void parse_sorts(const http::QueryParams& params, const std::set<std::string>& sortable,
                 ListQuery& query) {
  const auto keys = list_args(params, "sort_key");
  const auto dirs = list_args(params, "sort_dir");
  if (keys.size() != dirs.size()) {
    throw api::bad_request("The number of sort_keys and sort_dirs must be same");
  }
  std::vector<std::string> absent;
  std::copy_if(keys.begin(), keys.end(), std::back_inserter(absent),
               [&sortable](const std::string& key) { return sortable.count(key) == 0; });
  if (!absent.empty()) {
    throw api::bad_request(python_list_repr(absent) + " is invalid attribute for sort_keys");
  }
  std::vector<std::string> invalid_dirs;
  std::copy_if(dirs.begin(), dirs.end(), std::back_inserter(invalid_dirs),
               [](const std::string& dir) { return dir != "asc" && dir != "desc"; });
  if (!invalid_dirs.empty()) {
    throw api::bad_request(python_list_repr(invalid_dirs) +
                           " is invalid value for sort_dirs, valid value is 'asc' and 'desc'");
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    query.sort.push_back({keys[i], dirs[i] == "asc"});
  }
}

void parse_pagination(const http::QueryParams& params, ListQuery& query) {
  const std::string text = last_value(params, "limit").value_or("0");
  const auto limit = parse_python_int(text);
  if (!limit || *limit < 0) {
    // Neutron formats the converted number when int() succeeded, the raw text otherwise.
    const std::string shown = limit ? std::to_string(*limit) : text_prefix(text);
    throw api::bad_request(
        "Bad limit request: Limit must be an integer 0 or greater and not '" + shown + "'.",
        "BadRequest");
  }
  if (*limit > 0) {
    query.limit = static_cast<size_t>(*limit);
    const auto marker = last_value(params, "marker");
    if (marker && !marker->empty()) {
      query.marker = marker;
    }
  }
  // get_page_reverse: anything but "true" in any case is false, never an error.
  std::string reverse = last_value(params, "page_reverse").value_or("False");
  std::transform(reverse.begin(), reverse.end(), reverse.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  query.page_reverse = reverse == "true";
}

std::string python_repr(const std::string& text) {
  // Python prefers single quotes and switches to double ones to avoid escaping.
  const bool has_single = text.find('\'') != std::string::npos;
  const char quote = has_single && text.find('"') == std::string::npos ? '"' : '\'';
  std::string out(1, quote);
  for (unsigned char c : text) {
    if (c == '\\' || c == static_cast<unsigned char>(quote)) {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      static const char* digits = "0123456789abcdef";
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 0xf];
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + quote;
}

}  // namespace

std::string python_list_repr(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    out += (i == 0 ? "" : ", ") + python_repr(values[i]);
  }
  return out + "]";
}

ListQuery parse_list_query(const http::QueryParams& params, const std::set<std::string>& filterable,
                           const std::set<std::string>& sortable) {
  ListQuery query;
  // Same order as Neutron's controller, so a request with several faults gets the same 400.
  parse_filters(params, filterable, query);
  parse_fields(params, query);
  parse_sorts(params, sortable, query);
  parse_pagination(params, query);
  query.original = params;
  return query;
}

ListQuery parse_list_query(const http::QueryParams& params,
                           const std::set<std::string>& attributes) {
  return parse_list_query(params, attributes, attributes);
}

}  // namespace neutrino::neutron
