#pragma once
// Glance's images, image_properties and image_tags tables, and who may see an image:
// public and community images are everyone's, private and shared ones their owner's (and
// an admin's).
#include <optional>
#include <string>
#include <vector>

#include "controller/identity/auth_context.hpp"
#include "controller/image/image_record.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::image {

class ImageStore {
 public:
  static std::optional<ImageRecord> find(store::SqlSession& s, const std::string& id);
  static bool may_see(const ImageRecord& image, const identity::AuthContext& ctx);
  // The image if the caller may see it; 404 "No image found with ID <id>" otherwise.
  static ImageRecord visible(store::SqlSession& s, const identity::AuthContext& ctx,
                             const std::string& id);
  static std::vector<ImageRecord> list(store::SqlSession& s);
  // 409 "Image with identifier <id> already exists!" when the id is taken.
  static void insert(store::SqlSession& s, const ImageRecord& image);
  // Writes every attribute, property and tag of `image` (its id names the row).
  static void save(store::SqlSession& s, const ImageRecord& image);
  static void remove(store::SqlSession& s, const std::string& id);
  // Bytes of the active images a project owns, for the storage quota.
  static int64_t stored_bytes(store::SqlSession& s, const std::string& owner);
};

}  // namespace neutrino::image
