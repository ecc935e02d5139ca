#pragma once
// The OpenStack-style documents Nova serves under /openstack/<version>/: the version's
// listing and meta_data.json. network_data.json has its own file.
#include <cstddef>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata {

// `version` is an index into openstack_versions().
Json meta_data_json(const InstanceMetadata& instance, size_t version);
// What GET /openstack/<version>/ lists.
std::vector<std::string> openstack_listing(const InstanceMetadata& instance, size_t version);

}  // namespace neutrino::metadata
