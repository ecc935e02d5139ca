#pragma once
// Request body checks with the 400 messages Nova's JSON-schema validation gives:
// "Invalid input for field/attribute ram. Value: 0. 0 is less than the minimum of 1".
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::compute {

api::ApiError nova_invalid(const std::string& path, const Json& value, const std::string& reason);

// The object under `key` of a request body, or Nova's "'<key>' is a required property".
const Json& required_object(const Json& body, const std::string& key);
// 400 "Additional properties are not allowed ('x' was unexpected)" for keys outside `allowed`.
void check_known_keys(const Json& object, const std::string& path,
                      const std::set<std::string>& allowed);
// A string of min..max characters; `path` names the object for a missing-key message.
std::string string_field(const Json& object, const std::string& path, const std::string& key,
                         size_t min_length, size_t max_length);
std::optional<std::string> optional_string_field(const Json& object, const std::string& key,
                                                 size_t min_length, size_t max_length);
// An integer, or a string of digits (Nova's flavor_param types), within [min, max].
int64_t integer_field(const Json& object, const std::string& path, const std::string& key,
                      int64_t min, int64_t max);
std::optional<int64_t> optional_integer_field(const Json& object, const std::string& key,
                                              int64_t min, int64_t max);
// JSON booleans, or the strings oslo accepts ("true", "False", "1", "no", ...).
std::optional<bool> optional_boolean_field(const Json& object, const std::string& key);

// Reads a body that must be a JSON object; 400 "Malformed request body" otherwise.
Json parse_nova_body(const std::string& body);

}  // namespace neutrino::compute
