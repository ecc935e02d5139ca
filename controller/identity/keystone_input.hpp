#pragma once
// Reading Keystone request bodies and query strings. Anything malformed is a 400 with
// Keystone's wording, never an exception from the JSON library leaking out as a 500.
#include <optional>
#include <string>

#include "common/json.hpp"
#include "controller/http/http_request.hpp"

namespace neutrino::identity::input {

// The body as a JSON object holding `key` as an object: {"project": {...}} -> {...}.
Json resource_body(const http::Request& request, const std::string& key);
Json parse_object(const std::string& body);

// Absent or null -> nullopt; present with another type -> 400.
std::optional<std::string> optional_string(const Json& object, const std::string& key);
std::optional<bool> optional_bool(const Json& object, const std::string& key);
// Present and a non-empty string of at most `max_length` characters, else 400.
std::string required_name(const Json& object, const std::string& key, size_t max_length = 255);
// A JSON object member that must be an object if present; nullptr when absent.
const Json* optional_object(const Json& object, const std::string& key);

// Last value of a query parameter, if given.
std::optional<std::string> query(const http::Request& request, const std::string& key);
bool has_query(const http::Request& request, const std::string& key);
// "true"/"True"/"1"/"" -> true, "false"/"False"/"0" -> false, else 400.
std::optional<bool> bool_query(const http::Request& request, const std::string& key);

}  // namespace neutrino::identity::input
