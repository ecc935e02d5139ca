#pragma once
// The EC2-compatible documents Nova serves under /<version>/ (and /latest/): the meta-data/
// tree and user-data, exactly as far as the requested version had them.
#include <cstddef>
#include <cstdint>
#include <string>

#include "metadata/instance_metadata.hpp"
#include "metadata/metadata_tree.hpp"

namespace neutrino::metadata {

// `version` is an index into ec2_versions().
MetadataTree ec2_metadata(const InstanceMetadata& instance, size_t version);

// "i-0000000a": EC2 ids are a prefix and the number as 8 hex digits.
std::string ec2_id(const char* prefix, int64_t number);

// The instance's address as local-ipv4 reports it: the fixed IPv4 the request came from when
// it is one of the instance's, else its first fixed IPv4, else the requester's address (as
// Nova falls back to it).
std::string local_ipv4(const InstanceMetadata& instance);

}  // namespace neutrino::metadata
