#pragma once
// Validation of a subnet pool's prefixes and prefix length bounds, with Neutron's errors
// (EmptySubnetPoolPrefixList, PrefixVersionMismatch, IllegalSubnetPoolPrefixBounds, ...).
#include <optional>
#include <vector>

#include "common/json.hpp"
#include "controller/ipam/cidr.hpp"

namespace neutrino::neutron {

// A "prefixes" list: non-empty, valid CIDRs of one IP version, returned compacted.
std::vector<ipam::Cidr> parse_pool_prefixes(const Json& value);

struct PrefixBounds {
  int min_prefixlen;
  int max_prefixlen;
  int default_prefixlen;
};

// The bounds after applying `attributes` (min/max/default_prefixlen) to `current` (nullopt on
// create: Neutron's defaults, min 8 or 64, max 32 or 128, default = min). Throws 400.
PrefixBounds resolve_prefix_bounds(const Json& attributes, int ip_version,
                                   const std::optional<PrefixBounds>& current);

}  // namespace neutrino::neutron
