#pragma once
// A fresh store and image directory per test, with a member and an admin caller.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "common/random.hpp"
#include "controller/api/api_error.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/image/image_service.hpp"
#include "tests/support/test_database.hpp"

namespace neutrino::image::testing {

class ImageFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("neutrino-image-" + random::uuid4());
    std::filesystem::create_directories(dir_);
    store_ =
        std::make_unique<neutrino::testing::TestDatabase>(store::SqliteOptions{"normal", 5000});
    db_ = &store_->db();
    member_.project_id = "p1";
    member_.user_id = "u1";
    member_.roles = {"member"};
    other_.project_id = "p2";
    other_.user_id = "u2";
    other_.roles = {"member"};
    admin_.project_id = "admin";
    admin_.user_id = "a";
    admin_.roles = {"admin"};
    reopen();
  }
  void TearDown() override {
    images_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void reopen(uint64_t quota = 0) {
    images_.reset();
    images_ =
        std::make_unique<ImageService>(*db_, ImageSettings{dir_ / "images", quota, 1ULL << 40});
  }
  std::filesystem::path images_dir() const { return dir_ / "images"; }

  // Creates an image and uploads `data` in chunks of `chunk` bytes.
  ImageRecord upload(const std::string& disk_format, const std::string& data, size_t chunk = 7) {
    const ImageRecord created = images_->create(
        member_, {{"name", "img"}, {"disk_format", disk_format}, {"container_format", "bare"}});
    auto session = images_->begin_upload(member_, created.id, data.size());
    for (size_t at = 0; at < data.size(); at += chunk) {
      session->write(std::string_view(data).substr(at, chunk));
    }
    return images_->complete_upload(created.id, *session);
  }

  // The status of the ApiError `body` throws (0 if none).
  template <typename F>
  static int status_of(F&& body, std::string* message = nullptr) {
    try {
      body();
    } catch (const api::ApiError& e) {
      if (message != nullptr) {
        *message = e.what();
      }
      return e.status();
    }
    return 0;
  }

  std::filesystem::path dir_;
  std::unique_ptr<neutrino::testing::TestDatabase> store_;
  store::Database* db_ = nullptr;
  std::unique_ptr<ImageService> images_;
  identity::AuthContext member_;
  identity::AuthContext other_;
  identity::AuthContext admin_;
};

}  // namespace neutrino::image::testing
