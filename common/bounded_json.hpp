#pragma once
// Parsing JSON that comes from outside the process (API bodies, push channel frames, OVSDB
// messages) with a nesting and a size limit enforced while parsing. nlohmann's dump(), copy
// and operator==, and our own validators, recurse once per nesting level: an array nested
// 100,000 deep overflows the stack there. So input over the limit never becomes a Json value;
// everything downstream may then recurse freely.
#include <cstddef>
#include <string>
#include <string_view>

#include "common/json.hpp"

namespace neutrino {

struct JsonLimits {
  // Arrays and objects nested at most this deep: "{}" is 1, {"a": [1]} is 2, a bare scalar 0.
  size_t max_depth;
  size_t max_bytes;
};

enum class JsonRefusal {
  kNone,
  kSyntax,    // not JSON
  kTooDeep,   // nested deeper than max_depth
  kTooLarge,  // longer than max_bytes
};

struct JsonParseResult {
  Json value;  // null unless ok()
  JsonRefusal refusal = JsonRefusal::kNone;
  std::string reason;  // for logs and error details: "nested deeper than 32 levels"

  bool ok() const { return refusal == JsonRefusal::kNone; }
};

// Never throws for bad input; the text is not quoted in `reason`.
JsonParseResult parse_bounded_json(std::string_view text, const JsonLimits& limits);

}  // namespace neutrino
