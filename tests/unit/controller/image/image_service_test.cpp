// Image lifecycle over a real store and directory: uploads that succeed, the bad uploads
// Glance refuses (and that leave the image queued with no file), deletion and downloads.
#include <filesystem>
#include <fstream>

#include "controller/image/image_store.hpp"
#include "tests/unit/controller/image/image_fixture.hpp"
#include "tests/unit/controller/image/image_test_support.hpp"

namespace neutrino::image {
namespace {

using testing::ImageFixture;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST_F(ImageFixture, RawUploadBecomesActiveWithGlanceChecksums) {
  const std::string data = "The quick brown fox jumps over the lazy dog";
  const ImageRecord image = upload("raw", data);
  EXPECT_EQ(image.status, "active");
  EXPECT_EQ(image.size, 43);
  EXPECT_EQ(image.virtual_size, 43);
  EXPECT_EQ(image.checksum, "9e107d9d372bb6826bd81d3542a419d6");
  EXPECT_EQ(image.os_hash_algo, "sha512");
  EXPECT_EQ(image.os_hash_value->substr(0, 16), "07e547d9586f6a73");
  EXPECT_EQ(read_file(images_dir() / image.id), data);
  const ImageDownload download = images_->download(member_, image.id);
  EXPECT_EQ(download.path, images_dir() / image.id);
  EXPECT_EQ(images_->show(member_, image.id).status, "active");
}

TEST_F(ImageFixture, Qcow2UploadKeepsItsVirtualSize) {
  const ImageRecord image = upload("qcow2", testing::qcow2_image(1ULL << 30, 4096));
  EXPECT_EQ(image.status, "active");
  EXPECT_EQ(image.size, 4096);
  EXPECT_EQ(image.virtual_size, 1LL << 30);
}

TEST_F(ImageFixture, RefusedUploadsLeaveTheImageQueuedWithoutData) {
  struct Case {
    std::string disk_format;
    std::string data;
    int status;
  };
  const Case cases[] = {
      {"qcow2", std::string(2048, 'r'), 415},                 // not qcow2 inside
      {"qcow2", testing::qcow2_image(1024, 2048, 512), 415},  // backing file
      {"raw", "", 400},                                       // empty raw disk
  };
  for (const auto& c : cases) {
    std::string message;
    const ImageRecord created =
        images_->create(member_, {{"disk_format", c.disk_format}, {"container_format", "bare"}});
    EXPECT_EQ(status_of(
                  [&] {
                    auto session = images_->begin_upload(member_, created.id, c.data.size());
                    session->write(c.data);
                    try {
                      images_->complete_upload(created.id, *session);
                    } catch (...) {
                      images_->abandon_upload(created.id);
                      throw;
                    }
                  },
                  &message),
              c.status)
        << c.disk_format << ": " << message;
    const ImageRecord after = images_->show(member_, created.id);
    EXPECT_EQ(after.status, "queued");
    EXPECT_FALSE(after.checksum);
    EXPECT_FALSE(std::filesystem::exists(images_dir() / created.id));
  }
  EXPECT_TRUE(std::filesystem::is_empty(images_dir()));
}

TEST_F(ImageFixture, StatusAndFormatsMustAllowAnUpload) {
  const ImageRecord active = upload("raw", "data");
  std::string message;
  EXPECT_EQ(status_of([&] { images_->begin_upload(member_, active.id, 4); }, &message), 409);
  EXPECT_EQ(message, "Image status transition from active to saving is not allowed");
  const ImageRecord bare = images_->create(member_, {{"name", "no formats"}});
  EXPECT_EQ(status_of([&] { images_->begin_upload(member_, bare.id, 4); }, &message), 400);
  EXPECT_EQ(message, "Properties disk_format, container_format must be set prior to saving data.");
  EXPECT_EQ(status_of([&] { images_->begin_upload(other_, bare.id, 4); }), 404);
  // While one upload runs, a second is a conflict.
  const ImageRecord queued =
      images_->create(member_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  auto first = images_->begin_upload(member_, queued.id, std::nullopt);
  EXPECT_EQ(status_of([&] { images_->begin_upload(member_, queued.id, 4); }), 409);
}

TEST_F(ImageFixture, StorageQuotaCountsWhatTheProjectAlreadyStores) {
  reopen(100);
  upload("raw", std::string(60, 'a'));
  const ImageRecord second =
      images_->create(member_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  std::string message;
  EXPECT_EQ(status_of(
                [&] {
                  auto session = images_->begin_upload(member_, second.id, std::nullopt);
                  try {
                    session->write(std::string(41, 'b'));
                  } catch (...) {
                    images_->abandon_upload(second.id);
                    throw;
                  }
                },
                &message),
            413);
  EXPECT_EQ(message,
            "Image exceeds the storage quota: The size of the data 41 will exceed the limit. 40 "
            "bytes remaining.");
  EXPECT_EQ(images_->show(member_, second.id).status, "queued");
  // Another project has its own quota.
  const ImageRecord theirs =
      images_->create(other_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  auto session = images_->begin_upload(other_, theirs.id, 90);
  session->write(std::string(90, 'c'));
  EXPECT_EQ(images_->complete_upload(theirs.id, *session).status, "active");
}

TEST_F(ImageFixture, DeleteRemovesTheFileAndProtectedImagesStay) {
  const ImageRecord image = upload("raw", "data");
  images_->update(member_, image.id,
                  Json::array({{{"op", "replace"}, {"path", "/protected"}, {"value", true}}}));
  std::string message;
  EXPECT_EQ(status_of([&] { images_->remove(member_, image.id); }, &message), 403);
  EXPECT_EQ(message, "Image " + image.id + " is protected and cannot be deleted.");
  EXPECT_EQ(status_of([&] { images_->remove(other_, image.id); }), 404);
  images_->update(member_, image.id,
                  Json::array({{{"op", "replace"}, {"path", "/protected"}, {"value", false}}}));
  images_->remove(member_, image.id);
  EXPECT_FALSE(std::filesystem::exists(images_dir() / image.id));
  EXPECT_EQ(status_of([&] { images_->show(member_, image.id); }), 404);
}

TEST_F(ImageFixture, AnImageDeletedDuringItsUploadIsGone) {
  const ImageRecord image =
      images_->create(member_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  auto session = images_->begin_upload(member_, image.id, std::nullopt);
  session->write("data");
  images_->remove(member_, image.id);
  EXPECT_EQ(status_of([&] { images_->complete_upload(image.id, *session); }), 410);
  session.reset();
  EXPECT_TRUE(std::filesystem::is_empty(images_dir()));
}

TEST_F(ImageFixture, AgentsDownloadOnlyImagesOfTheirInstances) {
  const ImageRecord image = upload("raw", "data");
  EXPECT_EQ(status_of([&] { images_->download_for_host("compute1", image.id); }), 404);
  db_->write([&](store::SqlSession& s) {
    s.execute(
        "INSERT INTO instances (id, reservation_id, project_id, name, hostname, created_at, "
        "updated_at, host, vm_state, image_ref) VALUES ('i1', 'r', 'p1', 'vm', 'vm', 0, 0, "
        "'compute1', 'building', ?)",
        {image.id});
  });
  EXPECT_EQ(images_->download_for_host("compute1", image.id).path, images_dir() / image.id);
  EXPECT_EQ(status_of([&] { images_->download_for_host("compute2", image.id); }), 404);
}

TEST_F(ImageFixture, ARestartPutsUnfinishedUploadsBackToQueued) {
  const ImageRecord image =
      images_->create(member_, {{"disk_format", "raw"}, {"container_format", "bare"}});
  // What a process that died mid-upload leaves: a saving image and its partial file.
  db_->write([&](store::SqlSession& s) {
    s.execute("UPDATE images SET status = 'saving' WHERE id = ?", {image.id});
  });
  std::ofstream(images_dir() / (image.id + ".partial")) << "partial data";
  reopen();
  EXPECT_EQ(images_->show(member_, image.id).status, "queued");
  EXPECT_TRUE(std::filesystem::is_empty(images_dir()));
}

TEST(StorageQuota, ParsesGlanceSizes) {
  EXPECT_EQ(parse_storage_quota("0"), 0u);
  EXPECT_EQ(parse_storage_quota("1048576"), 1048576u);
  EXPECT_EQ(parse_storage_quota("100MB"), 100u << 20);
  EXPECT_EQ(parse_storage_quota("2gb"), 2ULL << 30);
  EXPECT_FALSE(parse_storage_quota("lots"));
  EXPECT_FALSE(parse_storage_quota("10XB"));
}

}  // namespace
}  // namespace neutrino::image
