// The upload writer alone: digests, limits and what it leaves on disk.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/image/image_upload.hpp"

namespace neutrino::image {
namespace {

class ImageUploadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-upload-" + random::uuid4());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int refused_status(UploadLimits limits, const std::string& data, bool finish) {
    try {
      ImageUpload upload(dir_ / "x.partial", limits);
      upload.write(data);
      if (finish) {
        upload.finish();
      }
    } catch (const api::ApiError& e) {
      return e.status();
    }
    return 0;
  }

  std::filesystem::path dir_;
};

TEST_F(ImageUploadTest, WritesChecksumsAndCommits) {
  ImageUpload upload(dir_ / "i.partial", {});
  upload.write("hello ");
  upload.write("world");
  const UploadedData data = upload.finish();
  EXPECT_EQ(data.size, 11u);
  EXPECT_EQ(data.md5_hex, "5eb63bbbe01eeed093cb22bb8f5acdc3");
  EXPECT_EQ(data.inspection.format, "raw");
  upload.commit(dir_ / "i");
  std::ifstream in(dir_ / "i");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(in), {}), "hello world");
  EXPECT_FALSE(std::filesystem::exists(dir_ / "i.partial"));
}

TEST_F(ImageUploadTest, AnUncommittedUploadLeavesNoFile) {
  {
    ImageUpload upload(dir_ / "i.partial", {});
    upload.write("data");
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(ImageUploadTest, RefusesWhatExceedsQuotaCapOrDeclaredSize) {
  EXPECT_EQ(refused_status({std::nullopt, 10, 1ULL << 40}, std::string(11, 'x'), false), 413);
  EXPECT_EQ(refused_status({20, 10, 1ULL << 40}, "", false), 413);  // declared over quota
  EXPECT_EQ(refused_status({std::nullopt, std::nullopt, 8}, std::string(9, 'x'), false), 413);
  EXPECT_EQ(refused_status({5, std::nullopt, 1ULL << 40}, std::string(6, 'x'), false), 400);
  EXPECT_EQ(refused_status({5, std::nullopt, 1ULL << 40}, std::string(4, 'x'), true), 400);
  EXPECT_EQ(refused_status({5, 5, 1ULL << 40}, std::string(5, 'x'), true), 0);
  EXPECT_TRUE(std::filesystem::is_empty(dir_));
}

TEST_F(ImageUploadTest, TwoUploadsCannotShareAPartialFile) {
  ImageUpload first(dir_ / "i.partial", {});
  EXPECT_THROW(ImageUpload(dir_ / "i.partial", {}), std::runtime_error);
}

}  // namespace
}  // namespace neutrino::image
