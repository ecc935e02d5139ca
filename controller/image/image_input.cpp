#include "controller/image/image_input.hpp"

#include <algorithm>
#include <regex>
#include <set>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/image/image_view.hpp"

namespace neutrino::image {
namespace {

const std::set<std::string>& read_only() {
  static const std::set<std::string> names = {
      "created_at",    "updated_at", "status",       "checksum",   "os_hash_algo",
      "os_hash_value", "size",       "virtual_size", "direct_url", "self",
      "file",          "schema",     "stores",       "locations"};
  return names;
}

api::ApiError schema_error(const std::string& reason) {
  return api::bad_request("Provided object does not match schema 'image': " + reason);
}

std::string python_list(const std::vector<std::string>& values) {
  std::string out = "[None";
  for (const auto& v : values) {
    out += ", '" + v + "'";
  }
  return out + "]";
}

std::string shown(const Json& value) {
  return value.is_string() ? "'" + value.get<std::string>() + "'" : value.dump();
}

std::optional<std::string> enum_value(const Json& value, const std::vector<std::string>& allowed) {
  if (value.is_null()) {
    return std::nullopt;
  }
  if (!value.is_string() ||
      std::find(allowed.begin(), allowed.end(), value.get<std::string>()) == allowed.end()) {
    throw schema_error(shown(value) + " is not one of " + python_list(allowed));
  }
  return value.get<std::string>();
}

int64_t non_negative(const Json& value) {
  if (!value.is_number_integer()) {
    throw schema_error(shown(value) + " is not of type 'integer'");
  }
  if (value.get<int64_t>() < 0) {
    throw schema_error(value.dump() + " is less than the minimum of 0");
  }
  return value.get<int64_t>();
}

bool boolean(const Json& value) {
  if (!value.is_boolean()) {
    throw schema_error(shown(value) + " is not of type 'boolean'");
  }
  return value.get<bool>();
}

void check_reserved(const std::string& key) {
  if (read_only().contains(key)) {
    throw api::forbidden("Attribute '" + key + "' is read-only.", "Forbidden");
  }
  if (key == "location" || key == "deleted" || key == "deleted_at" ||
      key.rfind("os_glance", 0) == 0) {
    throw api::forbidden("Attribute '" + key + "' is reserved.", "Forbidden");
  }
}

std::set<std::string> tags_of(const Json& value) {
  if (!value.is_array()) {
    throw schema_error(shown(value) + " is not of type 'array'");
  }
  std::set<std::string> tags;
  for (const auto& tag : value) {
    if (!tag.is_string() || tag.get<std::string>().size() > 255) {
      throw schema_error(shown(tag) + " is not a valid tag");
    }
    if (!tags.insert(tag.get<std::string>()).second) {
      throw schema_error(value.dump() + " has non-unique elements");
    }
  }
  return tags;
}

// Sets one attribute (core or custom) from a JSON value.
void set_attribute(ImageRecord& image, const std::string& key, const Json& value,
                   const identity::AuthContext& ctx) {
  if (key == "name") {
    if (!value.is_null() && (!value.is_string() || value.get<std::string>().size() > 255)) {
      throw schema_error(shown(value) + " is not of type 'null', 'string'");
    }
    image.name = value.is_null() ? std::nullopt : std::optional(value.get<std::string>());
  } else if (key == "disk_format") {
    image.disk_format = enum_value(value, disk_formats());
  } else if (key == "container_format") {
    image.container_format = enum_value(value, container_formats());
  } else if (key == "visibility") {
    static const std::vector<std::string> kinds = {"community", "public", "private", "shared"};
    const auto kind = enum_value(value, kinds);
    if (!kind) {
      throw schema_error("None is not one of ['community', 'public', 'private', 'shared']");
    }
    if (*kind == "public" && !ctx.is_admin()) {
      throw api::forbidden("You are not authorized to complete publicize_image action.",
                           "Forbidden");
    }
    image.visibility = *kind;
  } else if (key == "min_ram") {
    image.min_ram = non_negative(value);
  } else if (key == "min_disk") {
    image.min_disk = non_negative(value);
  } else if (key == "protected") {
    image.is_protected = boolean(value);
  } else if (key == "os_hidden") {
    image.os_hidden = boolean(value);
  } else if (key == "tags") {
    image.tags = tags_of(value);
  } else if (key == "owner") {
    if (!ctx.is_admin()) {
      throw api::forbidden("Owner can't be updated by non admin.", "Forbidden");
    }
    image.owner = value.is_string() ? value.get<std::string>() : "";
  } else if (key == "id") {
    throw api::forbidden("Attribute 'id' is read-only.", "Forbidden");
  } else {
    check_reserved(key);
    if (key.size() > 255) {
      throw api::bad_request("Custom property should not be greater than 255 characters.");
    }
    if (!value.is_string() || value.get<std::string>().size() > 65535) {
      throw schema_error(shown(value) + " is not of type 'string'");
    }
    image.properties[key] = value.get<std::string>();
  }
}

// "/name" as Glance reads JSON pointers: one level, ~1 and ~0 unescaped.
std::string pointer_key(const Json& change) {
  if (!change.contains("path") || !change["path"].is_string()) {
    throw api::bad_request(
        "Unable to find `path` in JSON Schema change. It must be one of the "
        "following: add, remove, replace.");
  }
  const std::string path = change["path"].get<std::string>();
  if (path.empty() || path.front() != '/') {
    throw api::bad_request("Pointer `" + path + "` does not start with \"/\".");
  }
  std::string key = path.substr(1);
  if (key.empty() || key.find('/') != std::string::npos) {
    throw api::bad_request("Invalid JSON pointer for this resource: '" + path + "'");
  }
  for (const auto& [from, to] : {std::pair{"~1", "/"}, {"~0", "~"}}) {
    for (size_t at = key.find(from); at != std::string::npos; at = key.find(from, at + 1)) {
      key.replace(at, 2, to);
    }
  }
  return key;
}

bool has_attribute(const ImageRecord& image, const std::string& key) {
  return is_core_attribute(key) || image.properties.contains(key);
}

}  // namespace

const std::vector<std::string>& disk_formats() {
  static const std::vector<std::string> formats = {"ami", "ari",   "aki", "vhd", "vhdx", "vmdk",
                                                   "raw", "qcow2", "vdi", "iso", "ploop"};
  return formats;
}

const std::vector<std::string>& container_formats() {
  static const std::vector<std::string> formats = {"ami", "ari", "aki",    "bare",
                                                   "ovf", "ova", "docker", "compressed"};
  return formats;
}

ImageRecord parse_new_image(const Json& body, const identity::AuthContext& ctx) {
  if (!body.is_object()) {
    throw api::bad_request("Body expected in request.");
  }
  ImageRecord image;
  image.owner = ctx.project_id;
  image.id = random::uuid4();
  for (const auto& [key, value] : body.items()) {
    if (key == "id") {
      static const std::regex uuid(
          "^([0-9a-fA-F]){8}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){4}-([0-9a-fA-F]){12}"
          "$");
      if (!value.is_string() || !std::regex_match(value.get<std::string>(), uuid)) {
        throw schema_error(shown(value) + " does not match the UUID pattern");
      }
      image.id = value.get<std::string>();
      std::transform(image.id.begin(), image.id.end(), image.id.begin(), ::tolower);
      continue;
    }
    check_reserved(key);
    set_attribute(image, key, value, ctx);
  }
  return image;
}

void apply_image_patch(ImageRecord& image, const Json& changes, const identity::AuthContext& ctx) {
  if (!changes.is_array()) {
    throw api::bad_request("Request body must be a JSON array of operation objects.");
  }
  for (const auto& change : changes) {
    if (!change.is_object() || !change.contains("op") || !change["op"].is_string()) {
      throw api::bad_request(
          "Unable to find `op` in JSON Schema change. It must be one of the "
          "following: add, remove, replace.");
    }
    const std::string op = change["op"].get<std::string>();
    if (op != "add" && op != "remove" && op != "replace") {
      throw api::bad_request("Invalid operation: `" + op +
                             "`. It must be one of the following: add, remove, replace.");
    }
    const std::string key = pointer_key(change);
    check_reserved(key);
    if (op == "remove") {
      if (is_core_attribute(key)) {
        throw api::forbidden("Property " + key + " may not be removed.", "Forbidden");
      }
      if (image.properties.erase(key) == 0) {
        throw api::conflict("Conflict", "Property " + key + " does not exist.");
      }
      continue;
    }
    if (!change.contains("value")) {
      throw api::bad_request("Operation \"" + op + "\" requires a member named \"value\".");
    }
    if (op == "replace" && !has_attribute(image, key)) {
      throw api::conflict("Conflict", "Property " + key + " does not exist.");
    }
    set_attribute(image, key, change["value"], ctx);
  }
}

}  // namespace neutrino::image
