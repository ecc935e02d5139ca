#pragma once
// OVSDB's JSON encodings of values (RFC 7047 section 5.1): ["uuid", ..], ["named-uuid", ..],
// ["set", [..]] and ["map", [[k, v], ..]]. Builders always write the explicit set/map forms;
// parsers also accept the bare atom OVSDB sends for a one-element set.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json.hpp"

namespace neutrino::agent::ovs::datum {

using StringMap = std::map<std::string, std::string>;

Json uuid(std::string_view id);
// Refers to a row inserted earlier in the same transaction under "uuid-name".
Json named_uuid(std::string_view name);
Json set(std::vector<Json> atoms);
Json string_set(const std::vector<std::string>& values);
Json string_map(const StringMap& values);
// A set of zero or one atom: how OVSDB spells an optional column.
Json optional(const std::optional<Json>& value);

bool is_uuid(const Json& value);
// Throws std::invalid_argument when `value` is not ["uuid", ..].
std::string as_uuid(const Json& value);
// ["set", [..]] → its elements; any other atom → a one-element vector.
std::vector<Json> as_set(const Json& value);
std::vector<std::string> as_string_set(const Json& value);
std::vector<std::string> as_uuid_set(const Json& value);
// Throws std::invalid_argument unless `value` is ["map", [[string, string], ..]].
StringMap as_string_map(const Json& value);
std::optional<int64_t> as_optional_integer(const Json& value);
// The empty set → "", a string atom → itself.
std::string as_optional_string(const Json& value);

}  // namespace neutrino::agent::ovs::datum
