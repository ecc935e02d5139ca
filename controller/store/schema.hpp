#pragma once
// The store's schema as an ordered list of migrations. Migration N brings a store from
// version N to N+1; a store records its version so upgrades apply only what is missing.
#include <string>
#include <vector>

namespace neutrino::store {

const std::vector<std::string>& schema_migrations();

}  // namespace neutrino::store
