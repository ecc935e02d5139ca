#pragma once
// An image as Glance keeps it: core attributes, free-form string properties and tags.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

namespace neutrino::image {

struct ImageRecord {
  std::string id;
  std::optional<std::string> name;
  std::optional<int64_t> size;
  std::optional<int64_t> virtual_size;
  std::string status = "queued";  // queued, saving, active, killed, deleted, deactivated
  std::optional<std::string> disk_format;
  std::optional<std::string> container_format;
  std::optional<std::string> checksum;  // md5 hex
  std::optional<std::string> os_hash_algo;
  std::optional<std::string> os_hash_value;
  std::string owner;  // project id
  std::string visibility = "shared";
  int64_t min_disk = 0;
  int64_t min_ram = 0;
  bool is_protected = false;
  bool os_hidden = false;
  int64_t created_at = 0;
  int64_t updated_at = 0;
  std::map<std::string, std::string> properties;
  std::set<std::string> tags;
};

}  // namespace neutrino::image
