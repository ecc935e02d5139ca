#pragma once
// Resolves a metadata request path to a document, as Nova's InstanceMetadata.lookup does:
// "/openstack/<version>/<file>" is OpenStack style; "/ec2/<version>/..." and any other path
// ("/latest/meta-data/hostname") is EC2 style. Paths are normalised first (repeated slashes,
// ".", ".." and a trailing slash do not matter).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "metadata/instance_metadata.hpp"

namespace neutrino::metadata {

struct MetadataDocument {
  std::string body;
  std::string content_type = "text/plain";
};

// The path's segments after normalisation: "/latest//meta-data/./" -> {"latest", "meta-data"}.
std::vector<std::string> metadata_path_segments(std::string_view path);
// The listing of EC2 versions at "/", which Nova serves without identifying the instance.
MetadataDocument root_listing();
// The document at `path` for `instance`; nullopt when there is none (404).
std::optional<MetadataDocument> lookup_metadata(std::string_view path,
                                                const InstanceMetadata& instance);

}  // namespace neutrino::metadata
