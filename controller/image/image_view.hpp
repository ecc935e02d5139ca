#pragma once
// An image as Glance v2 shows it: core attributes (null when unset), tags, the links
// ("self", "file", "schema") and every custom property as a top-level string.
#include "common/json.hpp"
#include "controller/image/image_record.hpp"

namespace neutrino::image {

Json image_view(const ImageRecord& image);

// The attributes that are not custom properties, for input checks.
bool is_core_attribute(const std::string& name);

}  // namespace neutrino::image
