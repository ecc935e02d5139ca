#include "controller/image/image_store.hpp"

#include <map>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::image {
namespace {

constexpr const char* kColumns =
    "SELECT id, name, size, virtual_size, status, disk_format, container_format, checksum, "
    "os_hash_algo, os_hash_value, owner, visibility, min_disk, min_ram, protected, os_hidden, "
    "created_at, updated_at FROM images";

std::optional<int64_t> optional_integer(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? std::nullopt : std::optional(r.integer(i));
}

ImageRecord from_row(const store::SqlRow& r) {
  ImageRecord image;
  image.id = r.text(0);
  image.name = r.optional_text(1);
  image.size = optional_integer(r, 2);
  image.virtual_size = optional_integer(r, 3);
  image.status = r.text(4);
  image.disk_format = r.optional_text(5);
  image.container_format = r.optional_text(6);
  image.checksum = r.optional_text(7);
  image.os_hash_algo = r.optional_text(8);
  image.os_hash_value = r.optional_text(9);
  image.owner = r.text(10);
  image.visibility = r.text(11);
  image.min_disk = r.integer(12);
  image.min_ram = r.integer(13);
  image.is_protected = r.boolean(14);
  image.os_hidden = r.boolean(15);
  image.created_at = r.integer(16);
  image.updated_at = r.integer(17);
  return image;
}

store::SqlValue nullable(const std::optional<int64_t>& v) {
  return v ? store::SqlValue(*v) : store::SqlValue(std::monostate{});
}

store::SqlParams row_params(const ImageRecord& i) {
  // Built one by one: GCC 12 warns spuriously (maybe-uninitialized) on a long initializer
  // list of variants.
  store::SqlParams p;
  p.reserve(18);
  p.emplace_back(store::null_if_empty(i.name));
  p.emplace_back(nullable(i.size));
  p.emplace_back(nullable(i.virtual_size));
  p.emplace_back(i.status);
  p.emplace_back(store::null_if_empty(i.disk_format));
  p.emplace_back(store::null_if_empty(i.container_format));
  p.emplace_back(store::null_if_empty(i.checksum));
  p.emplace_back(store::null_if_empty(i.os_hash_algo));
  p.emplace_back(store::null_if_empty(i.os_hash_value));
  p.emplace_back(i.owner);
  p.emplace_back(i.visibility);
  p.emplace_back(i.min_disk);
  p.emplace_back(i.min_ram);
  p.emplace_back(int64_t{i.is_protected});
  p.emplace_back(int64_t{i.os_hidden});
  p.emplace_back(i.updated_at);
  p.emplace_back(i.id);
  return p;
}

void save_children(store::SqlSession& s, const ImageRecord& image) {
  s.execute("DELETE FROM image_properties WHERE image_id = ?", {image.id});
  for (const auto& [name, value] : image.properties) {
    s.execute("INSERT INTO image_properties (image_id, name, value) VALUES (?, ?, ?)",
              {image.id, name, value});
  }
  s.execute("DELETE FROM image_tags WHERE image_id = ?", {image.id});
  for (const auto& tag : image.tags) {
    s.execute("INSERT INTO image_tags (image_id, value) VALUES (?, ?)", {image.id, tag});
  }
}

}  // namespace

std::optional<ImageRecord> ImageStore::find(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(std::string(kColumns) + " WHERE id = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  ImageRecord image = from_row(rows[0]);
  for (const auto& r :
       s.query("SELECT name, value FROM image_properties WHERE image_id = ?", {id})) {
    image.properties[r.text(0)] = r.text(1);
  }
  for (const auto& r : s.query("SELECT value FROM image_tags WHERE image_id = ?", {id})) {
    image.tags.insert(r.text(0));
  }
  return image;
}

bool ImageStore::may_see(const ImageRecord& image, const identity::AuthContext& ctx) {
  return ctx.is_admin() || image.owner == ctx.project_id || image.visibility == "public" ||
         image.visibility == "community";
}

ImageRecord ImageStore::visible(store::SqlSession& s, const identity::AuthContext& ctx,
                                const std::string& id) {
  auto image = find(s, id);
  if (!image || !may_see(*image, ctx)) {
    throw api::not_found("No image found with ID " + id, "ImageNotFound");
  }
  return std::move(*image);
}

std::vector<ImageRecord> ImageStore::list(store::SqlSession& s) {
  std::vector<ImageRecord> out;
  std::map<std::string, size_t> index;
  for (const auto& r : s.query(kColumns)) {
    index[r.text(0)] = out.size();
    out.push_back(from_row(r));
  }
  for (const auto& r : s.query("SELECT image_id, name, value FROM image_properties")) {
    if (const auto it = index.find(r.text(0)); it != index.end()) {
      out[it->second].properties[r.text(1)] = r.text(2);
    }
  }
  for (const auto& r : s.query("SELECT image_id, value FROM image_tags")) {
    if (const auto it = index.find(r.text(0)); it != index.end()) {
      out[it->second].tags.insert(r.text(1));
    }
  }
  return out;
}

void ImageStore::insert(store::SqlSession& s, const ImageRecord& image) {
  auto params = row_params(image);
  params.push_back(image.created_at);
  try {
    s.execute(
        "INSERT INTO images (name, size, virtual_size, status, disk_format, container_format, "
        "checksum, os_hash_algo, os_hash_value, owner, visibility, min_disk, min_ram, protected, "
        "os_hidden, updated_at, id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        params);
  } catch (const store::ConstraintViolation&) {
    throw api::conflict("Duplicate", "Image with identifier " + image.id + " already exists!");
  }
  save_children(s, image);
}

void ImageStore::save(store::SqlSession& s, const ImageRecord& image) {
  s.execute(
      "UPDATE images SET name = ?, size = ?, virtual_size = ?, status = ?, disk_format = ?, "
      "container_format = ?, checksum = ?, os_hash_algo = ?, os_hash_value = ?, owner = ?, "
      "visibility = ?, min_disk = ?, min_ram = ?, protected = ?, os_hidden = ?, updated_at = ? "
      "WHERE id = ?",
      row_params(image));
  save_children(s, image);
}

void ImageStore::remove(store::SqlSession& s, const std::string& id) {
  s.execute("DELETE FROM images WHERE id = ?", {id});
}

int64_t ImageStore::stored_bytes(store::SqlSession& s, const std::string& owner) {
  return s
      .query("SELECT COALESCE(SUM(size), 0) FROM images WHERE owner = ? AND size IS NOT NULL",
             {owner})[0]
      .integer(0);
}

}  // namespace neutrino::image
