#pragma once
// The limits on JSON request bodies, shared by every API the controller serves (Neutron,
// Keystone, the instances admin API). Bodies are parsed with them before anything recursive
// (copies, dump(), validators) touches the value.
#include <cstddef>

#include "common/bounded_json.hpp"

namespace neutrino::api {

// The deepest Neutron body a client sends nests 5 levels ({"ports": [{"port": {"fixed_ips":
// [{...}]}}]}); binding:profile and instance metadata are free-form, and real clients nest them
// a level or two. 32 leaves ample room. The byte limit only backs up the HTTP server's own
// body limit (max_request_body_size), which is smaller.
inline constexpr JsonLimits kRequestJsonLimits{.max_depth = 32, .max_bytes = size_t{16} << 20};

}  // namespace neutrino::api
