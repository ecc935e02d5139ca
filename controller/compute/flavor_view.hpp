#pragma once
// Flavors as Nova shows them at a microversion: "swap" is "" for none before 2.75 and 0
// after, "description" from 2.55, "extra_specs" from 2.61.
#include <string>

#include "common/json.hpp"
#include "controller/compute/flavor_store.hpp"
#include "controller/compute/microversion.hpp"

namespace neutrino::compute {

// `base` is the compute root, "http://host:port/compute".
Json flavor_links(const std::string& base, const std::string& flavorid);
Json flavor_summary(const Flavor& flavor, const ApiVersion& version, const std::string& base);
Json flavor_detail(const Flavor& flavor, const ApiVersion& version, const std::string& base);
// The flavor as 2.47+ embeds it in a server ("original_name", "ram", "extra_specs", ...).
Json flavor_snapshot(const Flavor& flavor);

}  // namespace neutrino::compute
