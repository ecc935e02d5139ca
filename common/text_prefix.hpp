#pragma once
// Quoting outside input in error messages and logs: at most a short prefix, so an error about a
// 1 MiB value is not itself 1 MiB (and a log line stays a line).
#include <cstddef>
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace neutrino {

// Long enough for any well-formed identifier, address or CIDR (a UUID is 36 characters, an
// IPv6 CIDR at most 43), short enough to keep a message readable.
inline constexpr size_t kQuotedInputBytes = 64;

// `text` cut to at most `max_bytes` on a UTF-8 character boundary, with "..." added when cut.
std::string text_prefix(std::string_view text, size_t max_bytes = kQuotedInputBytes);
// A string's content, or another value's JSON text, cut the same way.
std::string json_prefix(const Json& value, size_t max_bytes = kQuotedInputBytes);

}  // namespace neutrino
