#include "compute/images/image_cache.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>

#include "common/log.hpp"
#include "common/random.hpp"
#include "compute/images/qemu_img.hpp"

namespace neutrino::compute {
namespace {

namespace fs = std::filesystem;

std::string to_hex(const unsigned char* data, unsigned int size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < size; ++i) {
    out += digits[data[i] >> 4];
    out += digits[data[i] & 15];
  }
  return out;
}

class Digest {
 public:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
    EVP_DigestInit_ex(ctx_.get(), md, nullptr);
  }
  void update(std::string_view data) { EVP_DigestUpdate(ctx_.get(), data.data(), data.size()); }
  std::string hex() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), out, &size);
    return to_hex(out, size);
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

// Owns a file descriptor and the temporary file's name: removed unless released.
class TempFile {
 public:
  explicit TempFile(std::string path) : path_(std::move(path)) {
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw ImageError("cannot create " + path_ + ": " + std::strerror(errno));
    }
  }
  ~TempFile() {
    close();
    if (!released_) {
      std::error_code ignored;
      fs::remove(path_, ignored);
    }
  }
  void write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n <= 0) {
        throw ImageError("cannot write " + path_ + ": " + std::strerror(errno));
      }
      data.remove_prefix(static_cast<size_t>(n));
    }
  }
  void sync_and_close() {
    if (::fdatasync(fd_) != 0) {
      throw ImageError("cannot sync " + path_ + ": " + std::strerror(errno));
    }
    close();
  }
  const std::string& path() const { return path_; }
  void release() { released_ = true; }

 private:
  void close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }
  std::string path_;
  int fd_ = -1;
  bool released_ = false;
};

bool is_raw_format(const std::string& format) {
  return format == "raw" || format == "ami" || format == "aki" || format == "ari";
}

void verify(const ImageMeta& image, int64_t received, const std::string& sha512,
            const std::string& md5) {
  if (image.size > 0 && received != image.size) {
    throw ImageError("image " + image.id + " has " + std::to_string(received) +
                     " bytes, expected " + std::to_string(image.size));
  }
  if (image.os_hash_algo == "sha512" && !image.os_hash_value.empty() &&
      sha512 != image.os_hash_value) {
    throw ImageError("image " + image.id + " failed checksum verification: sha512 " + sha512 +
                     " is not the expected " + image.os_hash_value);
  }
  if (!image.checksum.empty() && md5 != image.checksum) {
    throw ImageError("image " + image.id + " failed checksum verification: md5 " + md5 +
                     " is not the expected " + image.checksum);
  }
  if (image.os_hash_value.empty() && image.checksum.empty()) {
    throw ImageError("image " + image.id + " has no checksum to verify it against");
  }
}

}  // namespace

ImageCache::ImageCache(std::string instances_path, ImageSource& source)
    : base_dir_(std::move(instances_path) + "/_base"), source_(source) {}

std::string ImageCache::cache_name(const std::string& image_id) {
  Digest sha1(EVP_sha1());
  sha1.update(image_id);
  return sha1.hex();
}

std::string ImageCache::path_of(const std::string& image_id) const {
  return base_dir_ + "/" + cache_name(image_id);
}

std::string ImageCache::ensure(const ImageMeta& image) {
  const std::string path = path_of(image.id);
  std::promise<std::string> promise;
  std::shared_future<std::string> pending;
  {
    std::lock_guard lock(mutex_);
    if (fs::exists(path)) {
      return path;
    }
    if (const auto it = in_flight_.find(image.id); it != in_flight_.end()) {
      pending = it->second;
    } else {
      in_flight_[image.id] = promise.get_future().share();
    }
  }
  if (pending.valid()) {
    return pending.get();  // someone else is fetching it; their failure is ours too
  }
  try {
    std::string result = fetch_verified(image);
    promise.set_value(result);
  } catch (...) {
    promise.set_exception(std::current_exception());
  }
  std::shared_future<std::string> done;
  {
    std::lock_guard lock(mutex_);
    done = in_flight_[image.id];
    in_flight_.erase(image.id);
  }
  return done.get();
}

std::string ImageCache::fetch_verified(const ImageMeta& image) {
  if (image.container_format != "bare") {
    throw ImageError("image " + image.id + ": container format '" + image.container_format +
                     "' is not supported (only bare)");
  }
  if (!is_raw_format(image.disk_format) && image.disk_format != "qcow2") {
    throw ImageError("image " + image.id + ": disk format '" + image.disk_format +
                     "' is not supported (raw or qcow2)");
  }
  fs::create_directories(base_dir_);
  const std::string path = path_of(image.id);
  const auto started = std::chrono::steady_clock::now();
  TempFile download(path + ".part-" + random::hex(random::bytes(4)));
  Digest sha512(EVP_sha512());
  Digest md5(EVP_md5());
  int64_t received = 0;
  source_.fetch(image, [&](std::string_view chunk) {
    received += static_cast<int64_t>(chunk.size());
    if (image.size > 0 && received > image.size) {
      throw ImageError("image " + image.id + " is larger than its " + std::to_string(image.size) +
                       " bytes");
    }
    sha512.update(chunk);
    md5.update(chunk);
    download.write(chunk);
  });
  download.sync_and_close();
  verify(image, received, sha512.hex(), md5.hex());
  if (image.disk_format == "qcow2") {
    // A qcow2 may name a backing or data file on *this* host: refuse, as Nova does.
    const QemuImageInfo info = qemu_img_info(download.path(), "qcow2");
    if (info.backing_file || info.data_file) {
      throw ImageError("image " + image.id + " is a qcow2 with a backing or data file");
    }
    TempFile converted(path + ".raw-" + random::hex(random::bytes(4)));
    converted.sync_and_close();
    qemu_img_convert_to_raw(download.path(), "qcow2", converted.path());
    fs::rename(converted.path(), path);
    converted.release();
  } else {
    fs::rename(download.path(), path);
    download.release();
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  log::info("image ", image.id, " (", image.disk_format, ", ", received, " bytes) cached as ", path,
            " in ", ms, " ms");
  return path;
}

std::vector<std::string> ImageCache::remove_unused(const std::set<std::string>& in_use) {
  std::set<std::string> keep;
  for (const auto& id : in_use) {
    keep.insert(cache_name(id));
  }
  std::lock_guard lock(mutex_);
  std::set<std::string> busy;  // temporary files of downloads under way start with these
  for (const auto& [id, future] : in_flight_) {
    busy.insert(cache_name(id));
  }
  std::vector<std::string> removed;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(base_dir_, ec)) {
    const std::string name = entry.path().filename().string();
    const std::string stem = name.substr(0, 40);
    if (stem.size() != 40 || stem.find_first_not_of("0123456789abcdef") != std::string::npos) {
      continue;  // not ours
    }
    if (keep.contains(stem) && name.size() == 40) {
      continue;
    }
    if (busy.contains(stem)) {
      continue;
    }
    std::error_code ignored;
    if (fs::remove(entry.path(), ignored)) {
      removed.push_back(entry.path().string());
    }
  }
  return removed;
}

}  // namespace neutrino::compute
