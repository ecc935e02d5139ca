#include "controller/image/image_view.hpp"

#include <set>

#include "common/clock.hpp"

namespace neutrino::image {
namespace {

template <typename T>
Json nullable(const std::optional<T>& value) {
  return value ? Json(*value) : Json(nullptr);
}

}  // namespace

bool is_core_attribute(const std::string& name) {
  static const std::set<std::string> core = {"id",
                                             "name",
                                             "status",
                                             "visibility",
                                             "protected",
                                             "os_hidden",
                                             "checksum",
                                             "os_hash_algo",
                                             "os_hash_value",
                                             "owner",
                                             "size",
                                             "virtual_size",
                                             "min_ram",
                                             "min_disk",
                                             "disk_format",
                                             "container_format",
                                             "created_at",
                                             "updated_at",
                                             "tags",
                                             "self",
                                             "file",
                                             "schema",
                                             "direct_url",
                                             "locations",
                                             "stores"};
  return core.contains(name);
}

Json image_view(const ImageRecord& image) {
  Json out = Json::object();
  for (const auto& [name, value] : image.properties) {
    out[name] = value;
  }
  out["id"] = image.id;
  out["name"] = nullable(image.name);
  out["status"] = image.status;
  out["visibility"] = image.visibility;
  out["protected"] = image.is_protected;
  out["os_hidden"] = image.os_hidden;
  out["checksum"] = nullable(image.checksum);
  out["os_hash_algo"] = nullable(image.os_hash_algo);
  out["os_hash_value"] = nullable(image.os_hash_value);
  out["owner"] = image.owner;
  out["size"] = nullable(image.size);
  out["virtual_size"] = nullable(image.virtual_size);
  out["min_ram"] = image.min_ram;
  out["min_disk"] = image.min_disk;
  out["disk_format"] = nullable(image.disk_format);
  out["container_format"] = nullable(image.container_format);
  out["created_at"] = clock::format_iso8601(image.created_at);
  out["updated_at"] = clock::format_iso8601(image.updated_at);
  out["tags"] = image.tags;
  out["self"] = "/v2/images/" + image.id;
  out["file"] = "/v2/images/" + image.id + "/file";
  out["schema"] = "/v2/schemas/image";
  return out;
}

}  // namespace neutrino::image
