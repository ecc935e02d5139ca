#pragma once
// The digests Glance records for an image's data, computed as the bytes stream past: md5
// ("checksum") and sha512 ("os_hash_algo"/"os_hash_value", Glance's default hashing_algorithm).
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace neutrino::image {

class ImageChecksums {
 public:
  ImageChecksums();
  ~ImageChecksums();
  ImageChecksums(const ImageChecksums&) = delete;
  ImageChecksums& operator=(const ImageChecksums&) = delete;

  void update(std::string_view bytes);
  // Ends both digests; call once.
  void finish();
  const std::string& md5_hex() const { return md5_; }
  const std::string& sha512_hex() const { return sha512_; }
  uint64_t bytes() const { return bytes_; }

 private:
  class Digest;
  std::unique_ptr<Digest> md5_ctx_;
  std::unique_ptr<Digest> sha512_ctx_;
  std::string md5_;
  std::string sha512_;
  uint64_t bytes_ = 0;
};

}  // namespace neutrino::image
