#include "controller/neutron/availability_zone_hints.hpp"

#include <set>

#include "controller/agents/availability_zones.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::neutron {
namespace {

constexpr size_t kStoredLength = 255;  // Neutron's AZ_HINTS_DB_LEN

api::ApiError invalid(const std::string& reason) {
  return api::bad_request("Invalid input for availability_zone_hints. Reason: " + reason + ".");
}

}  // namespace

std::string checked_availability_zone_hints(store::SqlSession& s, const Json& hints) {
  if (!hints.is_array()) {
    throw invalid("'" + (hints.is_string() ? hints.get<std::string>() : hints.dump()) +
                  "' is not a list");
  }
  std::set<std::string> seen;
  for (const auto& hint : hints) {
    if (!hint.is_string()) {
      throw invalid("'" + hint.dump() + "' is not a valid string");
    }
    if (!seen.insert(hint.get<std::string>()).second) {
      throw invalid("Duplicate items in the list: '" + hint.get<std::string>() + "'");
    }
  }
  std::string stored = hints.dump();
  // Neutron measures Python's dump, which puts a space after each comma.
  if (stored.size() + (hints.empty() ? 0 : hints.size() - 1) > kStoredLength) {
    throw api::bad_request(
        "Invalid input for operation: Too many availability_zone_hints specified.", "InvalidInput");
  }
  const auto zones = agents::AvailabilityZones::names(s, "network");
  for (const auto& hint : seen) {
    if (!zones.contains(hint)) {
      throw api::not_found("AvailabilityZone " + hint + " could not be found.",
                           "AvailabilityZoneNotFound");
    }
  }
  return stored;
}

}  // namespace neutrino::neutron
