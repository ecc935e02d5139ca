#pragma once
// GET /v2/images as Glance reads its query: filters (visibility, status, name, owner,
// disk/container format, size_min/size_max, tag, protected, os_hidden, "in:" lists, and any
// other key as a custom property), sorting (sort_key/sort_dir, or sort=key:dir,...; default
// created_at desc then id) and paging (limit, default 25, at most 1000; marker; a "next" link).
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/http/http_request.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/image/image_record.hpp"

namespace neutrino::image {

// The list body: {"images": [...], "first", "schema", "next"?}. `images` are those the caller
// may see. Throws api::ApiError 400 with Glance's messages for bad parameters or markers.
Json list_images(std::vector<ImageRecord> images, const http::QueryParams& query,
                 const identity::AuthContext& ctx);

}  // namespace neutrino::image
