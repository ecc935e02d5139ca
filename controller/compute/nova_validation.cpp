#include "controller/compute/nova_validation.hpp"

#include <algorithm>
#include <cctype>

namespace neutrino::compute {
namespace {

// Python's str() of the value, as the message shows it.
std::string shown(const Json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

std::string quoted(const Json& value) {
  return value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump();
}

bool all_digits(const std::string& text) {
  return !text.empty() && text.size() <= 18 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isdigit(c) != 0; });
}

}  // namespace

api::ApiError nova_invalid(const std::string& path, const Json& value, const std::string& reason) {
  return api::bad_request("Invalid input for field/attribute " + path + ". Value: " + shown(value) +
                          ". " + reason);
}

Json parse_nova_body(const std::string& body) {
  Json parsed = Json::parse(body, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    throw api::bad_request("Malformed request body");
  }
  return parsed;
}

const Json& required_object(const Json& body, const std::string& key) {
  const auto it = body.find(key);
  if (it == body.end()) {
    throw api::bad_request("'" + key + "' is a required property");
  }
  if (!it->is_object()) {
    throw nova_invalid(key, *it, quoted(*it) + " is not of type 'object'");
  }
  return *it;
}

void check_known_keys(const Json& object, const std::string& path,
                      const std::set<std::string>& allowed) {
  for (const auto& [key, value] : object.items()) {
    if (!allowed.contains(key)) {
      throw nova_invalid(path, object,
                         "Additional properties are not allowed ('" + key + "' was unexpected)");
    }
  }
}

std::string string_field(const Json& object, const std::string& path, const std::string& key,
                         size_t min_length, size_t max_length) {
  const auto it = object.find(key);
  if (it == object.end()) {
    throw nova_invalid(path, object, "'" + key + "' is a required property");
  }
  const auto value = optional_string_field(object, key, min_length, max_length);
  return *value;
}

std::optional<std::string> optional_string_field(const Json& object, const std::string& key,
                                                 size_t min_length, size_t max_length) {
  const auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    throw nova_invalid(key, *it, quoted(*it) + " is not of type 'string'");
  }
  const std::string text = it->get<std::string>();
  if (text.size() < min_length) {
    throw nova_invalid(key, *it, quoted(*it) + " is too short");
  }
  if (text.size() > max_length) {
    throw nova_invalid(key, *it, quoted(*it) + " is too long");
  }
  return text;
}

int64_t integer_field(const Json& object, const std::string& path, const std::string& key,
                      int64_t min, int64_t max) {
  const auto value = optional_integer_field(object, key, min, max);
  if (!value) {
    throw nova_invalid(path, object, "'" + key + "' is a required property");
  }
  return *value;
}

std::optional<int64_t> optional_integer_field(const Json& object, const std::string& key,
                                              int64_t min, int64_t max) {
  const auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  int64_t n = 0;
  if (it->is_number_integer()) {
    n = it->get<int64_t>();
  } else if (it->is_string() && all_digits(it->get<std::string>())) {
    n = std::stoll(it->get<std::string>());
  } else {
    throw nova_invalid(key, *it, quoted(*it) + " is not of type 'integer', 'string'");
  }
  if (n < min) {
    throw nova_invalid(key, *it,
                       std::to_string(n) + " is less than the minimum of " + std::to_string(min));
  }
  if (n > max) {
    throw nova_invalid(
        key, *it, std::to_string(n) + " is greater than the maximum of " + std::to_string(max));
  }
  return n;
}

std::optional<bool> optional_boolean_field(const Json& object, const std::string& key) {
  const auto it = object.find(key);
  if (it == object.end()) {
    return std::nullopt;
  }
  if (it->is_boolean()) {
    return it->get<bool>();
  }
  if (it->is_string()) {
    std::string text = it->get<std::string>();
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* yes : {"true", "1", "yes", "y", "on", "t"}) {
      if (text == yes) {
        return true;
      }
    }
    for (const char* no : {"false", "0", "no", "n", "off", "f"}) {
      if (text == no) {
        return false;
      }
    }
  }
  throw nova_invalid(key, *it, quoted(*it) + " is not of type 'boolean', 'string'");
}

}  // namespace neutrino::compute
