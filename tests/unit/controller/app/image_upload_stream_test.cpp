// Image data through the controller's real HTTP server: an upload far beyond
// max_request_body_size streams to the data directory with Glance's checksums, a download
// streams back the same bytes, and an upload the client abandons leaves the image queued
// with no partial file.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>

#include "common/http_client.hpp"
#include "controller/app/controller_app.hpp"
#include "controller/image/image_checksums.hpp"
#include "tests/unit/controller/http/raw_connection.hpp"

namespace neutrino::controller {
namespace {

using namespace std::chrono_literals;

class ImageUploadStreamTest : public ::testing::Test {
 protected:
  ImageUploadStreamTest() {
    std::string pattern = (std::filesystem::temp_directory_path() / "image-stream-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) {
      throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    config_.data_dir = (dir_ / "data").string();
    config_.db_sync = "normal";
    config_.admin_password = "pw";
    config_.listen_port = 0;
    config_.api_workers = 2;
    config_.http.max_body_bytes = 256 * 1024;
    config_.http.body_timeout = 1s;
    app_ = std::make_unique<ControllerApp>(config_);
    app_->start();
    port_ = static_cast<uint16_t>(
        std::stoi(app_->bound_url().substr(app_->bound_url().rfind(':') + 1)));
    client_ = std::make_unique<HttpClient>("127.0.0.1", port_);
    client_->set_timeout(30s);
    const auto issued = client_->request("POST", "/v3/auth/tokens",
                                         R"({"auth": {"identity": {"methods": ["password"],
                                             "password": {"user": {"name": "admin",
                                             "domain": {"id": "default"}, "password": "pw"}}},
                                             "scope": {"project": {"name": "admin",
                                             "domain": {"id": "default"}}}}})");
    token_ = issued.headers.count("x-subject-token") ? issued.headers.at("x-subject-token") : "";
    if (token_.empty()) {
      throw std::runtime_error("no token: " + issued.body);
    }
  }
  ~ImageUploadStreamTest() override {
    client_.reset();
    app_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  HttpClient::Result call(const std::string& method, const std::string& path,
                          const std::string& body = "",
                          const std::string& type = "application/json") {
    return client_->request(method, path, body, {{"X-Auth-Token", token_}, {"Content-Type", type}});
  }

  std::string create_image() {
    const auto created =
        call("POST", "/image/v2/images",
             R"({"name": "big", "disk_format": "raw", "container_format": "bare"})");
    EXPECT_EQ(created.status, 201) << created.body;
    return Json::parse(created.body)["id"];
  }

  Json show(const std::string& id) {
    return Json::parse(call("GET", "/image/v2/images/" + id).body);
  }

  size_t partial_files() const {
    size_t count = 0;
    for (const auto& entry : std::filesystem::directory_iterator(config_.image_directory())) {
      count += entry.path().extension() == ".partial";
    }
    return count;
  }

  std::filesystem::path dir_;
  ControllerConfig config_;
  std::unique_ptr<ControllerApp> app_;
  uint16_t port_ = 0;
  std::unique_ptr<HttpClient> client_;
  std::string token_;
};

TEST_F(ImageUploadStreamTest, UploadBeyondTheRequestBodyLimitIsStreamedAndChecksummed) {
  std::string data(5 * 1024 * 1024 + 11, '\0');  // 20 times max_request_body_size
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<char>((i * 131) >> 7);
  }
  // An ordinary route still refuses a body of that size.
  EXPECT_EQ(call("POST", "/v2.0/networks", data).status, 413);

  const std::string id = create_image();
  const auto uploaded =
      call("PUT", "/image/v2/images/" + id + "/file", data, "application/octet-stream");
  ASSERT_EQ(uploaded.status, 204) << uploaded.body;
  image::ImageChecksums expected;
  expected.update(data);
  expected.finish();
  const Json image = show(id);
  EXPECT_EQ(image["status"], "active");
  EXPECT_EQ(image["size"], data.size());
  EXPECT_EQ(image["checksum"], expected.md5_hex());
  EXPECT_EQ(image["os_hash_value"], expected.sha512_hex());
  EXPECT_EQ(partial_files(), 0u);

  const auto downloaded = call("GET", "/image/v2/images/" + id + "/file");
  EXPECT_EQ(downloaded.status, 200);
  EXPECT_EQ(downloaded.headers.at("content-md5"), expected.md5_hex());
  EXPECT_TRUE(downloaded.body == data);
}

TEST_F(ImageUploadStreamTest, TruncatedUploadLeavesTheImageQueuedWithoutAPartialFile) {
  const std::string id = create_image();
  {
    http::testing::RawConnection raw(port_);
    raw.send("PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " + token_ +
             "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
             std::to_string(4 * 1024 * 1024) + "\r\n\r\n" + std::string(1024 * 1024, 'x'));
    std::this_thread::sleep_for(200ms);
  }  // the client goes away with 3 MiB missing
  std::string status;
  for (int i = 0; i < 300 && status != "queued"; ++i) {
    std::this_thread::sleep_for(20ms);
    status = show(id)["status"];
  }
  EXPECT_EQ(status, "queued");
  EXPECT_EQ(partial_files(), 0u);

  // A client that stalls mid-body is told why, and the image is queued again.
  http::testing::RawConnection stalled(port_);
  stalled.send("PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: x\r\nX-Auth-Token: " +
               token_ + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " +
               std::to_string(4 * 1024 * 1024) + "\r\n\r\n" + std::string(1024, 'x'));
  const std::string answer = stalled.read_until_close(20s);
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("did not complete"), std::string::npos) << answer;
  EXPECT_EQ(show(id)["status"], "queued");
  EXPECT_EQ(partial_files(), 0u);

  // And the image takes a complete upload afterwards.
  EXPECT_EQ(call("PUT", "/image/v2/images/" + id + "/file", std::string(3000, 'y'),
                 "application/octet-stream")
                .status,
            204);
  EXPECT_EQ(show(id)["status"], "active");
}

}  // namespace
}  // namespace neutrino::controller
