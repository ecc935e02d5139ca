#pragma once
// An image as the controller describes it in an instance (contract §2): Glance's id, formats,
// size and checksums, which the agent verifies after downloading.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include "common/json.hpp"

namespace neutrino::compute {

class ImageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct ImageMeta {
  std::string id;
  std::string disk_format = "raw";  // raw, qcow2; aki/ari/ami are raw files too
  std::string container_format = "bare";
  int64_t size = 0;           // bytes; 0: unknown
  std::string checksum;       // md5 hex (Glance's "checksum")
  std::string os_hash_algo;   // "sha512"
  std::string os_hash_value;  // hex

  // Throws ImageError when "id" is missing or not a string.
  static ImageMeta from_json(const Json& object);
  // nullopt for JSON null or absent.
  static std::optional<ImageMeta> optional_from_json(const Json& object);
};

}  // namespace neutrino::compute
