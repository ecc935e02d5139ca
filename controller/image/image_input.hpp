#pragma once
// Glance's checks of image create bodies and of JSON-patch updates
// (application/openstack-images-v2.1-json-patch), with its messages: unknown disk or
// container formats and wrong types are 400 "Provided object does not match schema 'image':
// ...", read-only attributes 403, missing or existing properties 409.
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/image/image_record.hpp"

namespace neutrino::image {

// Glance's default [image_format] disk_formats and container_formats.
const std::vector<std::string>& disk_formats();
const std::vector<std::string>& container_formats();

// A new image from a create body; owner is the caller's project (an admin may name
// another). Throws api::ApiError.
ImageRecord parse_new_image(const Json& body, const identity::AuthContext& ctx);

// Applies a JSON-patch change list to `image`. Throws api::ApiError.
void apply_image_patch(ImageRecord& image, const Json& changes, const identity::AuthContext& ctx);

}  // namespace neutrino::image
