#pragma once
// Glance's image lifecycle over the store and the data directory: create, show, list,
// update, delete (which removes the file), and uploads (queued -> saving -> active, back to
// queued when an upload fails) and downloads of the data, kept at <data dir>/images/<id>.
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/image/image_record.hpp"
#include "controller/image/image_upload.hpp"
#include "controller/store/database.hpp"

namespace neutrino::image {

struct ImageSettings {
  std::filesystem::path directory;  // where image files live
  // Glance's user_storage_quota: bytes a project may store in all (0 = unlimited).
  uint64_t user_storage_quota = 0;
  uint64_t image_size_cap = 1ULL << 40;
};

// Glance's user_storage_quota syntax: "0", "1048576", "100MB", "1GB", "2TB" (B/KB/MB/GB/TB).
std::optional<uint64_t> parse_storage_quota(const std::string& text);

struct ImageDownload {
  ImageRecord image;
  std::filesystem::path path;  // empty when the image has no data yet
};

class ImageService {
 public:
  // Creates the directory, and puts back to queued the uploads a previous process left
  // unfinished (their partial files are removed).
  ImageService(store::Database& db, ImageSettings settings);

  ImageRecord create(const identity::AuthContext& ctx, const Json& body);
  ImageRecord show(const identity::AuthContext& ctx, const std::string& id);
  std::vector<ImageRecord> list(const identity::AuthContext& ctx);
  ImageRecord update(const identity::AuthContext& ctx, const std::string& id, const Json& changes);
  void remove(const identity::AuthContext& ctx, const std::string& id);

  // Starts an upload: checks the image can take data and moves it to saving. Throws
  // api::ApiError with Glance's status and message.
  std::unique_ptr<ImageUpload> begin_upload(const identity::AuthContext& ctx, const std::string& id,
                                            std::optional<uint64_t> declared_size);
  // Checks the received data against the image's formats and makes the image active.
  ImageRecord complete_upload(const std::string& id, ImageUpload& upload);
  // An upload that will not complete: the image goes back to queued.
  void abandon_upload(const std::string& id);

  // For a caller that may see the image.
  ImageDownload download(const identity::AuthContext& ctx, const std::string& id);
  // For an agent that proved its identity: only images of instances placed on its host.
  ImageDownload download_for_host(const std::string& host, const std::string& id);

  std::filesystem::path file_of(const std::string& id) const;

 private:
  ImageDownload prepare_download(const ImageRecord& image) const;

  store::Database& db_;
  ImageSettings settings_;
};

}  // namespace neutrino::image
