#include "controller/image/image_schema.hpp"

#include "controller/image/image_input.hpp"

namespace neutrino::image {
namespace {

constexpr const char* kUuidPattern =
    "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}$";

Json nullable_string(const char* description, int max_length = 255) {
  return {{"type", Json::array({"null", "string"})},
          {"readOnly", true},
          {"description", description},
          {"maxLength", max_length}};
}

Json format_enum(const std::vector<std::string>& formats, const char* description) {
  Json values = Json::array({nullptr});
  for (const auto& f : formats) {
    values.push_back(f);
  }
  return {
      {"type", Json::array({"null", "string"})}, {"description", description}, {"enum", values}};
}

Json image_properties() {
  return {
      {"id",
       {{"type", "string"},
        {"description", "An identifier for the image"},
        {"pattern", kUuidPattern}}},
      {"name",
       {{"type", Json::array({"null", "string"})},
        {"description", "Descriptive name for the image"},
        {"maxLength", 255}}},
      {"status",
       {{"type", "string"},
        {"readOnly", true},
        {"description", "Status of the image"},
        {"enum", Json::array({"queued", "saving", "active", "killed", "deleted", "uploading",
                              "importing", "pending_delete", "deactivated"})}}},
      {"visibility",
       {{"type", "string"},
        {"description", "Scope of image accessibility"},
        {"enum", Json::array({"community", "public", "private", "shared"})}}},
      {"protected",
       {{"type", "boolean"}, {"description", "If true, image will not be deletable."}}},
      {"os_hidden",
       {{"type", "boolean"},
        {"description", "If true, image will not appear in default image list response."}}},
      {"checksum", nullable_string("md5 hash of image contents.", 32)},
      {"os_hash_algo", nullable_string("Algorithm to calculate the os_hash_value", 64)},
      {"os_hash_value", nullable_string("Hexdigest of the image contents", 128)},
      {"owner",
       {{"type", Json::array({"null", "string"})},
        {"description", "Owner of the image"},
        {"maxLength", 255}}},
      {"size",
       {{"type", Json::array({"null", "integer"})},
        {"readOnly", true},
        {"description", "Size of image file in bytes"}}},
      {"virtual_size",
       {{"type", Json::array({"null", "integer"})},
        {"readOnly", true},
        {"description", "Virtual size of image in bytes"}}},
      {"container_format", format_enum(container_formats(), "Format of the container")},
      {"disk_format", format_enum(disk_formats(), "Format of the disk")},
      {"created_at",
       {{"type", "string"},
        {"readOnly", true},
        {"description", "Date and time of image registration"}}},
      {"updated_at",
       {{"type", "string"},
        {"readOnly", true},
        {"description", "Date and time of the last image modification"}}},
      {"tags",
       {{"type", "array"},
        {"description", "List of strings related to the image"},
        {"items", {{"type", "string"}, {"maxLength", 255}}}}},
      {"direct_url",
       {{"type", "string"},
        {"readOnly", true},
        {"description", "URL to access the image file kept in external store"}}},
      {"min_ram",
       {{"type", "integer"}, {"description", "Amount of ram (in MB) required to boot image."}}},
      {"min_disk",
       {{"type", "integer"},
        {"description", "Amount of disk space (in GB) required to boot image."}}},
      {"self", {{"type", "string"}, {"readOnly", true}, {"description", "An image self url"}}},
      {"file", {{"type", "string"}, {"readOnly", true}, {"description", "An image file url"}}},
      {"stores",
       {{"type", "string"},
        {"readOnly", true},
        {"description", "Store in which image data resides."}}},
      {"schema", {{"type", "string"}, {"readOnly", true}, {"description", "An image schema url"}}},
      {"locations",
       {{"type", "array"},
        {"description", "A set of URLs to access the image file kept in external store"},
        {"items",
         {{"type", "object"},
          {"properties",
           {{"url", {{"type", "string"}, {"maxLength", 255}}}, {"metadata", {{"type", "object"}}}}},
          {"required", Json::array({"url", "metadata"})}}}}},
      {"kernel_id",
       {{"type", Json::array({"null", "string"})},
        {"pattern", kUuidPattern},
        {"description",
         "ID of image stored in Glance that should be used as the kernel when booting an AMI-"
         "style image."},
        {"is_base", false}}},
      {"ramdisk_id",
       {{"type", Json::array({"null", "string"})},
        {"pattern", kUuidPattern},
        {"description",
         "ID of image stored in Glance that should be used as the ramdisk when booting an "
         "AMI-style image."},
        {"is_base", false}}},
      {"instance_uuid",
       {{"type", "string"},
        {"description",
         "Metadata which can be used to record which instance this image is "
         "associated with. (Informational only, does not create an instance "
         "snapshot.)"},
        {"is_base", false}}},
      {"architecture",
       {{"type", "string"},
        {"description",
         "Operating system architecture as specified in "
         "https://docs.openstack.org/python-glanceclient/latest/cli/"
         "property-keys.html"},
        {"is_base", false}}},
      {"os_distro",
       {{"type", "string"},
        {"description",
         "Common name of operating system distribution as specified in "
         "https://docs.openstack.org/python-glanceclient/latest/cli/"
         "property-keys.html"},
        {"is_base", false}}},
      {"os_version",
       {{"type", "string"},
        {"description", "Operating system version as specified by the distributor."},
        {"is_base", false}}},
      {"description",
       {{"type", "string"},
        {"description", "A human-readable string describing this image."},
        {"is_base", false}}},
  };
}

Json image_links() {
  return Json::array({{{"rel", "self"}, {"href", "{self}"}},
                      {{"rel", "enclosure"}, {"href", "{file}"}},
                      {{"rel", "describedby"}, {"href", "{schema}"}}});
}

}  // namespace

Json image_schema() {
  return {{"name", "image"},
          {"properties", image_properties()},
          // custom properties are strings, as Glance stores them
          {"additionalProperties", {{"type", "string"}}},
          {"links", image_links()}};
}

Json images_schema() {
  return {{"name", "images"},
          {"properties",
           {{"images", {{"type", "array"}, {"items", image_schema()}}},
            {"schema", {{"type", "string"}}},
            {"first", {{"type", "string"}}},
            {"next", {{"type", "string"}}}}},
          {"links", Json::array({{{"rel", "first"}, {"href", "{first}"}},
                                 {{"rel", "next"}, {"href", "{next}"}},
                                 {{"rel", "describedby"}, {"href", "{schema}"}}})}};
}

}  // namespace neutrino::image
