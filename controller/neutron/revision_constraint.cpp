#include "controller/neutron/revision_constraint.hpp"

#include <algorithm>

#include "controller/api/api_error.hpp"
#include "controller/neutron/list_filter.hpp"

namespace neutrino::neutron {
namespace {

constexpr std::string_view kPrefix = "revision_number=";

api::ApiError bad_if_match(const std::string& reason) {
  return api::bad_request("Bad if-match request: " + reason + ".", "BadRequest");
}

// One entity tag as webob reads it: blanks around it and its quotes dropped; weak tags
// (W/"...") are not revision constraints.
std::string unquoted(std::string tag) {
  const size_t first = tag.find_first_not_of(" \t");
  const size_t last = tag.find_last_not_of(" \t");
  tag = first == std::string::npos ? "" : tag.substr(first, last - first + 1);
  if (tag.size() >= 2 && tag.front() == '"' && tag.back() == '"') {
    tag = tag.substr(1, tag.size() - 2);
  }
  return tag;
}

}  // namespace

std::optional<int64_t> parse_revision_constraint(const std::optional<std::string>& if_match) {
  if (!if_match) {
    return std::nullopt;
  }
  std::optional<int64_t> revision;
  size_t start = 0;
  while (start <= if_match->size()) {
    const size_t comma = std::min(if_match->find(',', start), if_match->size());
    const std::string tag = unquoted(if_match->substr(start, comma - start));
    start = comma + 1;
    if (tag.rfind(kPrefix, 0) != 0) {
      continue;
    }
    if (revision) {
      throw bad_if_match("Multiple revision_number etags are not supported");
    }
    // Neutron converts with int(), so " 3" and "+3" are 3 as well.
    const auto number = parse_python_int(tag.substr(kPrefix.size()));
    if (!number) {
      throw bad_if_match("Revision number etag must be in the format of revision_number=<int>");
    }
    revision = number;
  }
  return revision;
}

void enforce_revision_constraint(int64_t expected, int64_t current) {
  if (expected != current) {
    throw api::ApiError(412, "RevisionNumberConstraintFailed",
                        "Constrained to " + std::to_string(expected) +
                            ", but current revision is " + std::to_string(current));
  }
}

}  // namespace neutrino::neutron
