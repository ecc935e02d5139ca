#include "compute/images/image_meta.hpp"

namespace neutrino::compute {

ImageMeta ImageMeta::from_json(const Json& object) {
  if (!object.is_object() || !object.contains("id") || !object["id"].is_string()) {
    throw ImageError("image without an id");
  }
  auto text = [&](const char* key, const std::string& fallback) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
  };
  ImageMeta image;
  image.id = object["id"].get<std::string>();
  image.disk_format = text("disk_format", "raw");
  image.container_format = text("container_format", "bare");
  const auto size = object.find("size");
  image.size = size != object.end() && size->is_number_integer() ? size->get<int64_t>() : 0;
  image.checksum = text("checksum", "");
  image.os_hash_algo = text("os_hash_algo", "");
  image.os_hash_value = text("os_hash_value", "");
  return image;
}

std::optional<ImageMeta> ImageMeta::optional_from_json(const Json& object) {
  if (object.is_null()) {
    return std::nullopt;
  }
  return from_json(object);
}

}  // namespace neutrino::compute
