#pragma once
// Glance's JSON schemas of an image and of the image list (GET /v2/schemas/image and
// /v2/schemas/images). glanceclient builds its image model from them and validates every
// image it lists or updates against them (Horizon's Images panels go through it), so they
// describe exactly what image_view() shows and image_input accepts.
#include "common/json.hpp"

namespace neutrino::image {

Json image_schema();
Json images_schema();

}  // namespace neutrino::image
