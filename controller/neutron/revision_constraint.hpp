#pragma once
// Neutron's revision-if-match extension: a PUT or DELETE carrying
// "If-Match: revision_number=N" only proceeds while the resource is at revision N, so clients
// can update without losing a concurrent change (compare-and-swap over HTTP).
#include <cstdint>
#include <optional>
#include <string>

namespace neutrino::neutron {

// The N of an If-Match header's "revision_number=N" entity tag; nullopt without a header or
// without such a tag (other tags are not Neutron's business). Throws api::ApiError 400
// BadRequest, with Neutron's messages, for two such tags or an N that is not an integer.
std::optional<int64_t> parse_revision_constraint(const std::optional<std::string>& if_match);

// Throws api::ApiError 412 RevisionNumberConstraintFailed unless `current` is `expected`.
void enforce_revision_constraint(int64_t expected, int64_t current);

}  // namespace neutrino::neutron
