#include "controller/identity/keystone_input.hpp"

#include "controller/api/request_json.hpp"
#include "controller/identity/identity_errors.hpp"

namespace neutrino::identity::input {

Json parse_object(const std::string& body) {
  JsonParseResult parsed = parse_bounded_json(body, api::kRequestJsonLimits);
  if (!parsed.ok() || !parsed.value.is_object()) {
    throw api::ApiError(400, "ValidationError",
                        "Expecting to find valid JSON in request body. The server could not "
                        "comply with the request since it is either malformed or otherwise "
                        "incorrect. The client is assumed to be in error.");
  }
  return std::move(parsed.value);
}

Json resource_body(const http::Request& request, const std::string& key) {
  Json parsed = parse_object(request.body);
  auto it = parsed.find(key);
  if (it == parsed.end() || !it->is_object()) {
    throw validation_error("'" + key + "' is a required property");
  }
  return std::move(*it);
}

std::optional<std::string> optional_string(const Json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_string()) {
    throw validation_error("'" + key + "' must be a string");
  }
  return it->get<std::string>();
}

std::optional<bool> optional_bool(const Json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return std::nullopt;
  }
  if (!it->is_boolean()) {
    throw validation_error("'" + key + "' must be a boolean");
  }
  return it->get<bool>();
}

std::string required_name(const Json& object, const std::string& key, size_t max_length) {
  const auto value = optional_string(object, key);
  if (!value) {
    throw validation_error("'" + key + "' is a required property");
  }
  if (value->empty() || value->size() > max_length) {
    throw validation_error("'" + key + "' must be between 1 and " + std::to_string(max_length) +
                           " characters");
  }
  return *value;
}

const Json* optional_object(const Json& object, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return nullptr;
  }
  if (!it->is_object()) {
    throw validation_error("'" + key + "' must be an object");
  }
  return &*it;
}

std::optional<std::string> query(const http::Request& request, const std::string& key) {
  std::optional<std::string> found;
  for (const auto& [name, value] : request.query) {
    if (name == key) {
      found = value;
    }
  }
  return found;
}

bool has_query(const http::Request& request, const std::string& key) {
  return query(request, key).has_value();
}

std::optional<bool> bool_query(const http::Request& request, const std::string& key) {
  const auto value = query(request, key);
  if (!value) {
    return std::nullopt;
  }
  if (*value == "true" || *value == "True" || *value == "1" || value->empty()) {
    return true;
  }
  if (*value == "false" || *value == "False" || *value == "0") {
    return false;
  }
  throw validation_error("query parameter '" + key + "' must be a boolean");
}

}  // namespace neutrino::identity::input
