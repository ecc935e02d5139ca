#include "controller/compute/boot_image.hpp"

#include "controller/api/api_error.hpp"
#include "controller/image/image_store.hpp"

namespace neutrino::compute {
namespace {

constexpr int64_t kGiB = 1024LL * 1024 * 1024;

image::ImageRecord find_image(store::SqlSession& s, const identity::AuthContext& ctx,
                              const std::string& id) {
  auto found = image::ImageStore::find(s, id);
  if (!found || !image::ImageStore::may_see(*found, ctx)) {
    throw api::bad_request("Can not find requested image", "ImageNotFound");
  }
  if (found->status != "active") {
    throw api::bad_request("Image " + id + " is not active.", "ImageNotActive");
  }
  return std::move(*found);
}

Json image_object(const image::ImageRecord& image) {
  return {{"id", image.id},
          {"disk_format", image.disk_format.value_or("")},
          {"container_format", image.container_format.value_or("")},
          {"size", image.size.value_or(0)},
          {"checksum", image.checksum.value_or("")},
          {"os_hash_algo", image.os_hash_algo.value_or("")},
          {"os_hash_value", image.os_hash_value.value_or("")}};
}

void check_flavor_fits(const image::ImageRecord& image, const Flavor& flavor,
                       const identity::AuthContext& ctx) {
  if (image.min_ram > flavor.memory_mb) {
    throw api::bad_request("Flavor's memory is too small for requested image.",
                           "FlavorMemoryTooSmall");
  }
  if (flavor.root_gb == 0) {
    if (!ctx.is_admin()) {
      throw api::forbidden("Only volume-backed servers are allowed for flavors with zero disk.",
                           "BootFromVolumeRequiredForZeroDiskFlavor");
    }
    return;  // the disk takes the image's size
  }
  const int64_t flavor_bytes = flavor.root_gb * kGiB;
  if (image.min_disk > flavor.root_gb) {
    throw api::bad_request(
        "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk "
        "is " +
            std::to_string(flavor_bytes) + " bytes, minimum size is " +
            std::to_string(image.min_disk * kGiB) + " bytes.",
        "FlavorDiskSmallerThanMinDisk");
  }
  const int64_t image_bytes = std::max(image.size.value_or(0), image.virtual_size.value_or(0));
  if (image_bytes > flavor_bytes) {
    throw api::bad_request("Flavor's disk is too small for requested image. Flavor disk is " +
                               std::to_string(flavor_bytes) + " bytes, image is " +
                               std::to_string(image_bytes) + " bytes.",
                           "FlavorDiskSmallerThanImage");
  }
}

Json linked_image(store::SqlSession& s, const identity::AuthContext& ctx,
                  const image::ImageRecord& image, const char* property, std::string& id) {
  const auto it = image.properties.find(property);
  if (it == image.properties.end() || it->second.empty()) {
    return nullptr;
  }
  id = it->second;
  return image_object(find_image(s, ctx, id));
}

}  // namespace

BootImage resolve_boot_image(store::SqlSession& s, const identity::AuthContext& ctx,
                             const std::string& image_ref, const Flavor& flavor) {
  const image::ImageRecord image = find_image(s, ctx, image_ref);
  const std::string disk = image.disk_format.value_or("");
  const std::string container = image.container_format.value_or("");
  if (container != "bare") {
    throw api::bad_request("Image " + image.id + " is unacceptable: container format '" +
                               container + "' is not a disk; only bare images boot here",
                           "ImageUnacceptable");
  }
  if (disk != "raw" && disk != "qcow2") {
    throw api::bad_request("Image " + image.id + " is unacceptable: disk format '" + disk +
                               "' is not supported; use raw or qcow2",
                           "ImageUnacceptable");
  }
  check_flavor_fits(image, flavor, ctx);
  BootImage out;
  out.image_id = image.id;
  const auto cmdline = image.properties.find("os_command_line");
  out.meta = {
      {"image", image_object(image)},
      {"kernel", linked_image(s, ctx, image, "kernel_id", out.kernel_id)},
      {"ramdisk", linked_image(s, ctx, image, "ramdisk_id", out.ramdisk_id)},
      {"kernel_cmdline", cmdline == image.properties.end() ? Json(nullptr) : Json(cmdline->second)},
      {"min_ram", image.min_ram},
      {"min_disk", image.min_disk}};
  return out;
}

}  // namespace neutrino::compute
