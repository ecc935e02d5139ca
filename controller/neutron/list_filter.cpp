#include "controller/neutron/list_filter.hpp"

#include <algorithm>
#include <cctype>
#include <climits>
#include <cstdlib>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

const Json& attribute(const Json& item, const std::string& key) {
  static const Json kNull;
  const auto it = item.find(key);
  return it == item.end() ? kNull : *it;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

api::ApiError invalid_input(const std::string& reason) {
  return api::bad_request("Invalid input for operation: " + reason + ".", "InvalidInput");
}

bool to_bool(const std::string& text) {
  const auto value = parse_neutron_bool(text);
  if (!value) {
    throw invalid_input("'" + text_prefix(text) + "' cannot be converted to boolean");
  }
  return *value;
}

long long to_int(const std::string& text) {
  const auto value = parse_python_int(text);
  if (!value) {
    throw invalid_input("'" + text_prefix(text) + "' is not an integer");
  }
  return *value;
}

// Neutron sanitises MAC filters (convert_to_sanitized_mac_address) and compares lower-case.
std::string mac_form(const std::string& text) {
  std::string out = lower(text);
  std::replace(out.begin(), out.end(), '-', ':');
  return out;
}

// One scalar attribute value against one filter value.
bool scalar_matches(const Json& value, const std::string& key, const std::string& wanted) {
  switch (value.type()) {
    case Json::value_t::null:
      // Attributes Neutron stores as "" may render as null here; "name=" should find both.
      return wanted.empty();
    case Json::value_t::boolean:
      return value.get<bool>() == to_bool(wanted);
    case Json::value_t::number_integer:
      return value.get<long long>() == to_int(wanted);
    case Json::value_t::number_unsigned: {
      const long long number = to_int(wanted);
      return number >= 0 &&
             value.get<unsigned long long>() == static_cast<unsigned long long>(number);
    }
    case Json::value_t::number_float: {
      char* end = nullptr;
      const double number = std::strtod(wanted.c_str(), &end);
      return !wanted.empty() && *end == '\0' && number == value.get<double>();
    }
    case Json::value_t::string:
      return key == "mac_address" ? mac_form(value.get<std::string>()) == mac_form(wanted)
                                  : value.get<std::string>() == wanted;
    default:
      return false;  // objects and nested lists are not filterable by a plain value
  }
}

// A list attribute (security_groups, dns_nameservers...) matches when it contains the value.
bool value_matches(const Json& value, const std::string& key, const std::string& wanted) {
  if (value.is_array()) {
    return std::any_of(value.begin(), value.end(), [&](const Json& element) {
      return !element.is_array() && scalar_matches(element, key, wanted);
    });
  }
  return scalar_matches(value, key, wanted);
}

// ML2's port query: each key is its own "any address has ..." condition, ANDed together.
bool matches_fixed_ips(const Json& item,
                       const std::map<std::string, std::set<std::string>>& filters) {
  const Json& addresses = attribute(item, "fixed_ips");
  auto any_address = [&addresses](auto&& predicate) {
    return addresses.is_array() && std::any_of(addresses.begin(), addresses.end(), predicate);
  };
  auto field = [](const Json& address, const char* name) -> std::string {
    const Json& value = attribute(address, name);
    return value.is_string() ? value.get<std::string>() : std::string();
  };
  for (const auto& filter : filters) {
    // Not a structured binding: clang 14 cannot capture one in the lambdas below.
    const auto& key = filter.first;
    const auto& values = filter.second;
    bool ok = true;
    if (key == "ip_address" || key == "subnet_id") {
      ok = any_address([&](const Json& address) {
        return address.is_object() && attribute(address, key.c_str()).is_string() &&
               values.count(field(address, key.c_str())) != 0;
      });
    } else if (key == "ip_address_substr") {
      ok = any_address([&](const Json& address) {
        const std::string ip = field(address, "ip_address");
        return address.is_object() && attribute(address, "ip_address").is_string() &&
               std::any_of(values.begin(), values.end(), [&ip](const std::string& part) {
                 return ip.find(part) != std::string::npos;
               });
      });
    }
    // Other keys are ignored, as Neutron's port query only looks at these three.
    if (!ok) {
      return false;
    }
  }
  return true;
}

bool matches_tags(const Json& item, const TagFilters& filters) {
  std::set<std::string> tags;
  const Json& value = attribute(item, "tags");
  if (value.is_array()) {
    for (const auto& tag : value) {
      if (tag.is_string()) {
        tags.insert(tag.get<std::string>());
      }
    }
  }
  auto has = [&tags](const std::string& tag) { return tags.count(tag) != 0; };
  auto has_all = [&has](const std::set<std::string>& wanted) {
    return std::all_of(wanted.begin(), wanted.end(), has);
  };
  auto has_any = [&has](const std::set<std::string>& wanted) {
    return std::any_of(wanted.begin(), wanted.end(), has);
  };
  // An empty set is an absent filter, hence the explicit emptiness checks.
  return (filters.all.empty() || has_all(filters.all)) &&
         (filters.any.empty() || has_any(filters.any)) &&
         (filters.not_all.empty() || !has_all(filters.not_all)) &&
         (filters.not_any.empty() || !has_any(filters.not_any));
}

}  // namespace

std::optional<long long> parse_python_int(const std::string& text) {
  const char* spaces = " \t\n\r\f\v";
  const size_t first = text.find_first_not_of(spaces);
  if (first == std::string::npos) {
    return std::nullopt;
  }
  const size_t last = text.find_last_not_of(spaces);
  size_t i = first;
  const bool negative = text[i] == '-';
  if (text[i] == '-' || text[i] == '+') {
    ++i;
  }
  if (i > last) {
    return std::nullopt;
  }
  unsigned long long magnitude = 0;
  bool saturated = false;
  for (; i <= last; ++i) {
    const char c = text[i];
    if (c == '_' && i > first && std::isdigit(static_cast<unsigned char>(text[i - 1])) &&
        i < last && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
      continue;  // Python allows single underscores between digits
    }
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    if (magnitude > (ULLONG_MAX - 9) / 10) {
      saturated = true;
    } else {
      magnitude = magnitude * 10 + static_cast<unsigned>(c - '0');
    }
  }
  if (saturated || magnitude > static_cast<unsigned long long>(LLONG_MAX)) {
    return negative ? LLONG_MIN : LLONG_MAX;
  }
  const auto number = static_cast<long long>(magnitude);
  return negative ? -number : number;
}

std::optional<bool> parse_neutron_bool(const std::string& text) {
  const char* spaces = " \t\n\r\f\v";
  const size_t first = text.find_first_not_of(spaces);
  const std::string word =
      first == std::string::npos
          ? std::string()
          : lower(text.substr(first, text.find_last_not_of(spaces) - first + 1));
  static const std::set<std::string> kTrue = {"1", "t", "true", "on", "y", "yes"};
  static const std::set<std::string> kFalse = {"0", "f", "false", "off", "n", "no"};
  if (kTrue.count(word) != 0) {
    return true;
  }
  if (kFalse.count(word) != 0) {
    return false;
  }
  return std::nullopt;
}

bool matches_filters(const Json& item, const ListQuery& query) {
  for (const auto& [key, values] : query.filters) {
    const Json& value = attribute(item, key);
    // Every value is compared (no short cut) so a bad one is refused whatever its position.
    bool any = false;
    for (const auto& wanted : values) {
      any = value_matches(value, key, wanted) || any;
    }
    if (!any) {
      return false;
    }
  }
  return matches_fixed_ips(item, query.fixed_ips) && matches_tags(item, query.tags);
}

void check_filter_values(const std::vector<Json>& items, const ListQuery& query) {
  for (const auto& [key, values] : query.filters) {
    for (const auto& item : items) {
      const Json& value = attribute(item, key);
      const bool typed = value.is_array() ? !value.empty() : !value.is_null();
      if (typed) {
        for (const auto& wanted : values) {
          value_matches(value, key, wanted);  // throws on a value the type cannot take
        }
        break;
      }
    }
  }
}

}  // namespace neutrino::neutron
