#pragma once
// One image upload as its bytes arrive: written to a partial file beside the final one,
// checksummed (md5 and sha512) and its head inspected on the way, and stopped as soon as it
// exceeds the storage quota, the size cap or its declared length. Nothing is held in memory
// beyond the inspector's 512 bytes. The file becomes the image's only on commit(); an upload
// destroyed before that leaves no file behind.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "controller/image/disk_format_inspector.hpp"
#include "controller/image/image_checksums.hpp"

namespace neutrino::image {

struct UploadLimits {
  std::optional<uint64_t> declared_size;    // Content-Length, when the client sent one
  std::optional<uint64_t> remaining_quota;  // user_storage_quota minus what is stored
  uint64_t size_cap = 1ULL << 40;           // Glance's image_size_cap (1 TiB)
};

struct UploadedData {
  uint64_t size = 0;
  std::string md5_hex;
  std::string sha512_hex;
  DiskInspection inspection;
};

class ImageUpload {
 public:
  // Creates `partial` exclusively; throws std::runtime_error when it cannot.
  ImageUpload(std::filesystem::path partial, UploadLimits limits);
  ~ImageUpload();
  ImageUpload(const ImageUpload&) = delete;
  ImageUpload& operator=(const ImageUpload&) = delete;

  // Throws api::ApiError 413 (quota, size cap) or 400 (more than the declared size).
  void write(std::string_view chunk);
  // The body is complete: flushes to disk and returns what was received. Throws 400 when it
  // is shorter than declared.
  UploadedData finish();
  // Moves the finished file to `destination` (atomically, in the same directory).
  void commit(const std::filesystem::path& destination);

 private:
  void discard();

  std::filesystem::path partial_;
  UploadLimits limits_;
  int fd_ = -1;
  ImageChecksums checksums_;
  std::string head_;
  bool committed_ = false;
};

}  // namespace neutrino::image
