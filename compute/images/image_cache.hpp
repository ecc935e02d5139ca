#pragma once
// The image cache, laid out as Nova's: <instances>/_base/<sha1 hex of the image id>, always a
// raw file (qcow2 images are converted once), shared by every instance's overlay. An image is
// downloaded once even when several instances ask for it at the same time; it arrives in a
// temporary file, is checked against the size and checksums the controller gave, and is
// renamed into place only when complete, so the cache never holds a partial image.
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "compute/images/image_meta.hpp"
#include "compute/images/image_source.hpp"

namespace neutrino::compute {

class ImageCache {
 public:
  ImageCache(std::string instances_path, ImageSource& source);

  std::string base_dir() const { return base_dir_; }
  // "<instances>/_base/<sha1 hex of image_id>"
  std::string path_of(const std::string& image_id) const;
  static std::string cache_name(const std::string& image_id);

  // The cached raw file of `image`, fetched, verified and converted first when missing.
  // Throws ImageError (bad checksum, size, format) or whatever the source threw.
  std::string ensure(const ImageMeta& image);
  // Removes cached images of ids not in `in_use`, and temporary files no download is
  // writing. Returns the paths removed.
  std::vector<std::string> remove_unused(const std::set<std::string>& in_use);

 private:
  std::string fetch_verified(const ImageMeta& image);

  std::string base_dir_;
  ImageSource& source_;
  std::mutex mutex_;
  std::map<std::string, std::shared_future<std::string>> in_flight_;  // by image id
};

}  // namespace neutrino::compute
