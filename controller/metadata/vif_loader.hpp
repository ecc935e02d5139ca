#pragma once
// Reads an instance's ports from the store as the metadata renderers want them: what Nova's
// network_info cache holds for the instance, taken from Neutron's tables directly.
#include <string>
#include <vector>

#include "controller/store/sql_session.hpp"
#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata {

// The ports whose device_id is `instance_id` and which belong to the instance's project (a
// port another project points at the instance must not show up in its documents), oldest
// first, each with its fixed IPs in order and their subnets' gateway, DNS servers and routes.
std::vector<MetadataVif> load_vifs(store::SqlSession& s, const std::string& instance_id,
                                   const std::string& project_id);

}  // namespace neutrino::metadata
