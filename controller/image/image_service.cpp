#include "controller/image/image_service.hpp"

#include <algorithm>
#include <cctype>

#include "common/clock.hpp"
#include "common/log.hpp"
#include "controller/api/api_error.hpp"
#include "controller/image/image_input.hpp"
#include "controller/image/image_store.hpp"

namespace neutrino::image {
namespace {

bool owns(const identity::AuthContext& ctx, const ImageRecord& image) {
  return ctx.is_admin() || image.owner == ctx.project_id;
}

api::ApiError invalid_image_data(const std::string& detail) {
  // webob's 415 page names the media type before Glance's detail.
  return api::ApiError(415, "InvalidImageData",
                       "The request media type application/octet-stream is not supported by "
                       "this server.<br /><br />\n" +
                           detail);
}

}  // namespace

std::optional<uint64_t> parse_storage_quota(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  if (digits == 0 || digits > 15) {
    return std::nullopt;
  }
  const uint64_t value = std::stoull(text.substr(0, digits));
  std::string unit = text.substr(digits);
  std::transform(unit.begin(), unit.end(), unit.begin(), ::toupper);
  const std::pair<const char*, uint64_t> units[] = {
      {"", 1},           {"B", 1}, {"KB", 1ULL << 10}, {"MB", 1ULL << 20}, {"GB", 1ULL << 30},
      {"TB", 1ULL << 40}};
  for (const auto& [name, factor] : units) {
    if (unit == name) {
      return value * factor;
    }
  }
  return std::nullopt;
}

ImageService::ImageService(store::Database& db, ImageSettings settings)
    : db_(db), settings_(std::move(settings)) {
  std::filesystem::create_directories(settings_.directory);
  for (const auto& entry : std::filesystem::directory_iterator(settings_.directory)) {
    if (entry.path().extension() == ".partial") {
      std::filesystem::remove(entry.path());
    }
  }
  db_.write([](store::SqlSession& s) {
    s.execute("UPDATE images SET status = 'queued' WHERE status = 'saving'");
  });
}

std::filesystem::path ImageService::file_of(const std::string& id) const {
  return settings_.directory / id;
}

ImageRecord ImageService::create(const identity::AuthContext& ctx, const Json& body) {
  ImageRecord image = parse_new_image(body, ctx);
  image.created_at = image.updated_at = clock::now_unix_seconds();
  db_.write([&](store::SqlSession& s) { ImageStore::insert(s, image); });
  return image;
}

ImageRecord ImageService::show(const identity::AuthContext& ctx, const std::string& id) {
  return db_.read([&](store::SqlSession& s) { return ImageStore::visible(s, ctx, id); });
}

std::vector<ImageRecord> ImageService::list(const identity::AuthContext& ctx) {
  auto all = db_.read([](store::SqlSession& s) { return ImageStore::list(s); });
  std::erase_if(all, [&](const ImageRecord& image) { return !ImageStore::may_see(image, ctx); });
  return all;
}

ImageRecord ImageService::update(const identity::AuthContext& ctx, const std::string& id,
                                 const Json& changes) {
  return db_.write([&](store::SqlSession& s) {
    ImageRecord image = ImageStore::visible(s, ctx, id);
    if (!owns(ctx, image)) {
      throw api::forbidden("You are not permitted to modify image " + id + ".", "Forbidden");
    }
    apply_image_patch(image, changes, ctx);
    image.updated_at = clock::now_unix_seconds();
    ImageStore::save(s, image);
    return image;
  });
}

void ImageService::remove(const identity::AuthContext& ctx, const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    const ImageRecord image = ImageStore::visible(s, ctx, id);
    if (!owns(ctx, image)) {
      throw api::forbidden("You are not permitted to delete image " + id + ".", "Forbidden");
    }
    if (image.is_protected) {
      throw api::forbidden("Image " + id + " is protected and cannot be deleted.", "Forbidden");
    }
    ImageStore::remove(s, id);
    // Inside the transaction: if the file cannot go, the image stays.
    std::filesystem::remove(file_of(id));
  });
}

std::unique_ptr<ImageUpload> ImageService::begin_upload(const identity::AuthContext& ctx,
                                                        const std::string& id,
                                                        std::optional<uint64_t> declared_size) {
  UploadLimits limits;
  limits.declared_size = declared_size;
  limits.size_cap = settings_.image_size_cap;
  db_.write([&](store::SqlSession& s) {
    ImageRecord image = ImageStore::visible(s, ctx, id);
    if (!owns(ctx, image)) {
      throw api::forbidden("Not allowed to upload image data for image " + id, "Forbidden");
    }
    if (!image.disk_format || !image.container_format) {
      throw api::bad_request(
          "Properties disk_format, container_format must be set prior to saving data.");
    }
    if (image.status != "queued") {
      throw api::conflict(
          "InvalidImageStatusTransition",
          "Image status transition from " + image.status + " to saving is not allowed");
    }
    if (settings_.user_storage_quota > 0) {
      const auto used = static_cast<uint64_t>(ImageStore::stored_bytes(s, image.owner));
      limits.remaining_quota =
          settings_.user_storage_quota > used ? settings_.user_storage_quota - used : 0;
    }
    image.status = "saving";
    image.updated_at = clock::now_unix_seconds();
    ImageStore::save(s, image);
  });
  try {
    return std::make_unique<ImageUpload>(settings_.directory / (id + ".partial"), limits);
  } catch (...) {
    abandon_upload(id);
    throw;
  }
}

ImageRecord ImageService::complete_upload(const std::string& id, ImageUpload& upload) {
  const UploadedData data = upload.finish();
  return db_.write([&](store::SqlSession& s) {
    auto image = ImageStore::find(s, id);
    if (!image || image->status != "saving") {
      throw api::ApiError(410, "Gone",
                          "Image " + id +
                              " could not be found after upload. The image may have been "
                              "deleted during the upload, cleaning up the chunks uploaded.");
    }
    if (data.inspection.unsafe) {
      log::warning("image ", id, " refused: ", *data.inspection.unsafe);
      throw invalid_image_data("Image failed safety checks");
    }
    if (image->disk_format == "qcow2" && data.inspection.format != "qcow2") {
      throw invalid_image_data("Image disk_format qcow2 does not match stream data " +
                               data.inspection.format);
    }
    if (image->disk_format == "raw" && data.size == 0) {
      throw api::bad_request("Image data is empty: a raw disk image needs at least one byte.");
    }
    image->size = static_cast<int64_t>(data.size);
    image->virtual_size = static_cast<int64_t>(data.inspection.format == image->disk_format &&
                                                       data.inspection.virtual_size
                                                   ? *data.inspection.virtual_size
                                                   : data.size);
    image->checksum = data.md5_hex;
    image->os_hash_algo = "sha512";
    image->os_hash_value = data.sha512_hex;
    image->status = "active";
    image->updated_at = clock::now_unix_seconds();
    ImageStore::save(s, *image);
    upload.commit(file_of(id));
    return *image;
  });
}

void ImageService::abandon_upload(const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    s.execute(
        "UPDATE images SET status = 'queued', updated_at = ? WHERE id = ? AND status = "
        "'saving'",
        {clock::now_unix_seconds(), id});
  });
}

ImageDownload ImageService::prepare_download(const ImageRecord& image) const {
  ImageDownload out{image, {}};
  if (image.status == "active") {
    out.path = file_of(image.id);
  }
  return out;
}

ImageDownload ImageService::download(const identity::AuthContext& ctx, const std::string& id) {
  return prepare_download(show(ctx, id));
}

ImageDownload ImageService::download_for_host(const std::string& host, const std::string& id) {
  const auto image = db_.read([&](store::SqlSession& s) -> std::optional<ImageRecord> {
    const bool used_here =
        !s.query(
              "SELECT 1 FROM instances WHERE host = ? AND (image_ref = ? OR kernel_id = ? OR "
              "ramdisk_id = ?) LIMIT 1",
              {host, id, id, id})
             .empty();
    return used_here ? ImageStore::find(s, id) : std::nullopt;
  });
  if (!image) {
    throw api::not_found("No image found with ID " + id, "ImageNotFound");
  }
  return prepare_download(*image);
}

}  // namespace neutrino::image
