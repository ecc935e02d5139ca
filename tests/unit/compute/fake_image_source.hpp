#pragma once
// An ImageSource serving canned bytes per image id, in small chunks, counting fetches; an
// optional gate holds every fetch until released (to test concurrent requests).
#include <openssl/evp.h>

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>

#include "compute/images/image_source.hpp"

namespace neutrino::compute::testing {

inline std::string digest_hex(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  static const char digits[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < size; ++i) {
    hex += digits[out[i] >> 4];
    hex += digits[out[i] & 15];
  }
  return hex;
}

// ImageMeta as the controller would send it for `bytes`.
inline ImageMeta meta_for(const std::string& id, const std::string& bytes,
                          const std::string& format = "raw") {
  ImageMeta meta;
  meta.id = id;
  meta.disk_format = format;
  meta.size = static_cast<int64_t>(bytes.size());
  meta.checksum = digest_hex(EVP_md5(), bytes);
  meta.os_hash_algo = "sha512";
  meta.os_hash_value = digest_hex(EVP_sha512(), bytes);
  return meta;
}

class FakeImageSource : public ImageSource {
 public:
  void add(const std::string& id, std::string bytes) {
    std::lock_guard lock(mutex_);
    images_[id] = std::move(bytes);
  }
  void hold() {
    std::lock_guard lock(mutex_);
    held_ = true;
  }
  void release() {
    {
      std::lock_guard lock(mutex_);
      held_ = false;
    }
    cv_.notify_all();
  }
  int fetches() const { return fetches_.load(); }

  void fetch(const ImageMeta& image, const Sink& sink) override {
    ++fetches_;
    std::string bytes;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return !held_; });
      const auto it = images_.find(image.id);
      if (it == images_.end()) {
        throw ImageError("404 Not Found: image " + image.id);
      }
      bytes = it->second;
    }
    for (size_t at = 0; at < bytes.size(); at += 4096) {
      sink(std::string_view(bytes).substr(at, 4096));
    }
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::map<std::string, std::string> images_;
  bool held_ = false;
  std::atomic<int> fetches_{0};
};

}  // namespace neutrino::compute::testing
