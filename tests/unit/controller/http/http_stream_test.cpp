// Streamed request bodies (ServerOptions::streaming) and file responses: a body far beyond
// max_body_bytes reaches the route's sink chunk by chunk, every way it can end (whole, cut
// by the client, stalled, refused by the sink or at the start) reaches the sink once, and a
// file is sent as it is read.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "controller/http/http_server.hpp"
#include "tests/unit/controller/http/raw_connection.hpp"

namespace neutrino::http {
namespace {

using testing::RawConnection;
using namespace std::chrono_literals;

// What the sink saw, shared with the test thread.
struct SinkLog {
  std::mutex mutex;
  std::string body;
  int writes = 0;
  int finishes = 0;
  int failures = 0;
  std::string failure;
  size_t stop_after = 0;  // > 0: refuse once this many bytes arrived

  int ended() {
    std::lock_guard lock(mutex);
    return finishes + failures;
  }
};

class RecordingSink final : public BodySink {
 public:
  explicit RecordingSink(SinkLog& log) : log_(log) {}
  std::optional<Response> write(std::string_view chunk) override {
    std::lock_guard lock(log_.mutex);
    log_.body.append(chunk);
    ++log_.writes;
    if (log_.stop_after > 0 && log_.body.size() >= log_.stop_after) {
      ++log_.failures;
      return Response::json(413, Json{{"error", "too large for the sink"}});
    }
    return std::nullopt;
  }
  Response finish() override {
    std::lock_guard lock(log_.mutex);
    ++log_.finishes;
    return Response::json(201, Json{{"received", log_.body.size()}});
  }
  Response fail(const std::string& why) override {
    std::lock_guard lock(log_.mutex);
    ++log_.failures;
    log_.failure = why;
    return Response::json(400, Json{{"error", why}});
  }

 private:
  SinkLog& log_;
};

class HttpStreamTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options;
    options.max_body_bytes = 64 * 1024;
    options.header_timeout = 2s;
    options.body_timeout = 500ms;
    options.min_body_rate = 1 << 20;
    options.streaming.wants = [](const std::string& method, const std::string& path) {
      return method == "PUT" && path.rfind("/upload", 0) == 0;
    };
    options.streaming.start = [this](const Request& head) -> StreamStart {
      if (head.path == "/upload/refused") {
        return Response::json(403, Json{{"error", "no"}});
      }
      return std::make_unique<RecordingSink>(log_);
    };
    server_ = std::make_unique<HttpServer>(options, [](const Request& r) {
      Response response;
      response.content_type = "text/plain";
      response.body = r.method + " " + r.path + " " + std::to_string(r.body.size());
      if (r.path == "/file") {
        response.file_path = r.header("x-file").value_or("");
      }
      return response;
    });
    server_->start();
  }

  // Waits (on a loaded machine, generously) for the sink to have been finished or failed.
  bool wait_for_end() {
    for (int i = 0; i < 500 && log_.ended() == 0; ++i) {
      std::this_thread::sleep_for(10ms);
    }
    return log_.ended() > 0;
  }

  static std::string put(const std::string& path, size_t length, const std::string& extra = "") {
    return "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + std::to_string(length) +
           "\r\n" + extra + "\r\n";
  }

  static std::string pattern(size_t size) {
    std::string out(size, '\0');
    for (size_t i = 0; i < size; ++i) {
      out[i] = static_cast<char>('a' + (i * 7 + i / 4096) % 26);
    }
    return out;
  }

  SinkLog log_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpStreamTest, BodyFarBeyondTheBufferLimitReachesTheSinkInChunks) {
  const std::string body = pattern(3 * 1024 * 1024 + 17);  // 48 times max_body_bytes
  RawConnection raw(server_->port());
  raw.send(put("/upload/a", body.size()));
  for (size_t at = 0; at < body.size(); at += 100'000) {
    raw.send(body.substr(at, 100'000));
  }
  // The connection stays usable afterwards.
  raw.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string answer = raw.read_responses(2);
  EXPECT_NE(answer.find("HTTP/1.1 201"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"received\":" + std::to_string(body.size())), std::string::npos);
  EXPECT_NE(answer.find("GET /after 0"), std::string::npos) << answer;
  std::lock_guard lock(log_.mutex);
  EXPECT_EQ(log_.body, body);
  EXPECT_GT(log_.writes, 1);
  EXPECT_EQ(log_.finishes, 1);
  EXPECT_EQ(log_.failures, 0);
}

TEST_F(HttpStreamTest, OtherRoutesKeepTheBufferLimit) {
  RawConnection raw(server_->port());
  raw.send(put("/elsewhere", 100 * 1024) + std::string(100 * 1024, 'x'));
  const std::string answer = raw.read_until_close(5s);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  EXPECT_EQ(log_.ended(), 0);
}

TEST_F(HttpStreamTest, ChunkedBodyAndExpectContinueAreStreamed) {
  const std::string part = pattern(200 * 1024);
  RawConnection raw(server_->port());
  raw.send(
      "PUT /upload/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Expect: 100-continue\r\n\r\n");
  std::this_thread::sleep_for(100ms);
  char size[32];
  std::snprintf(size, sizeof size, "%zx\r\n", part.size());
  raw.send(std::string(size) + part + "\r\n" + std::string(size) + part + "\r\n0\r\n\r\n");
  const std::string answer = raw.read_responses(2);  // 100 Continue, then the answer
  EXPECT_NE(answer.find("HTTP/1.1 100 Continue"), std::string::npos) << answer;
  EXPECT_NE(answer.find("\"received\":" + std::to_string(2 * part.size())), std::string::npos)
      << answer;
}

TEST_F(HttpStreamTest, ClientThatLeavesMidBodyFailsTheSink) {
  {
    RawConnection raw(server_->port());
    raw.send(put("/upload/cut", 1024 * 1024) + pattern(100 * 1024));
    std::this_thread::sleep_for(100ms);
  }  // closed with 900 KiB missing
  ASSERT_TRUE(wait_for_end());
  std::lock_guard lock(log_.mutex);
  EXPECT_EQ(log_.finishes, 0);
  EXPECT_EQ(log_.failures, 1);
  EXPECT_NE(log_.failure.find("closed"), std::string::npos) << log_.failure;
}

TEST_F(HttpStreamTest, StalledBodyFailsTheSinkAndTheClientIsTold) {
  RawConnection raw(server_->port());
  raw.send(put("/upload/stall", 1024 * 1024) + pattern(10 * 1024));
  const auto start = std::chrono::steady_clock::now();
  const std::string answer = raw.read_until_close(10s);
  const auto lasted = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(raw.closed());
  EXPECT_NE(answer.find("HTTP/1.1 400"), std::string::npos) << answer;
  EXPECT_NE(answer.find("no data for too long"), std::string::npos) << answer;
  EXPECT_GE(lasted, 400ms);
  EXPECT_LT(lasted, 5s);  // body_timeout is 500 ms; generous for a loaded machine
  std::lock_guard lock(log_.mutex);
  EXPECT_EQ(log_.failures, 1);
  EXPECT_EQ(log_.finishes, 0);
}

TEST_F(HttpStreamTest, SinkThatRefusesStopsTheUploadWithItsAnswer) {
  log_.stop_after = 256 * 1024;
  RawConnection raw(server_->port());
  raw.send(put("/upload/big", 2 * 1024 * 1024));
  std::string answer;
  try {
    for (int i = 0; i < 20 && !raw.closed(); ++i) {
      raw.send(pattern(100 * 1024));
    }
  } catch (const std::exception&) {
    // the server may reset a connection it stopped reading
  }
  answer = raw.read_until_close(5s);
  EXPECT_NE(answer.find("HTTP/1.1 413"), std::string::npos) << answer;
  std::lock_guard lock(log_.mutex);
  EXPECT_EQ(log_.finishes, 0);
  EXPECT_LT(log_.body.size(), 2u * 1024 * 1024);
}

TEST_F(HttpStreamTest, RouteCanRefuseBeforeAnyBodyIsRead) {
  RawConnection raw(server_->port());
  raw.send(put("/upload/refused", 512 * 1024));
  const std::string answer = raw.read_until_close(5s);
  EXPECT_NE(answer.find("HTTP/1.1 403"), std::string::npos) << answer;
  EXPECT_NE(answer.find("Connection: close"), std::string::npos) << answer;
  EXPECT_EQ(log_.ended(), 0);
}

TEST_F(HttpStreamTest, FileResponseIsSentAsItIsRead) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("neutrino-stream-" + std::to_string(::getpid()) + ".bin");
  const std::string content = pattern(5 * 1024 * 1024 + 3);
  std::ofstream(path, std::ios::binary) << content;
  RawConnection raw(server_->port());
  raw.send("GET /file HTTP/1.1\r\nHost: x\r\nX-File: " + path.string() + "\r\n\r\n" +
           "HEAD /file HTTP/1.1\r\nHost: x\r\nX-File: " + path.string() + "\r\n\r\n");
  const std::string answer = raw.read_until_close(1500ms);  // keeps reading past the HEAD answer
  std::filesystem::remove(path);
  const std::string length = "Content-Length: " + std::to_string(content.size());
  const size_t first = answer.find(length);
  ASSERT_NE(first, std::string::npos) << answer.substr(0, 300);
  EXPECT_NE(answer.find(content), std::string::npos);
  // HEAD: the same length announced, and nothing after its header.
  const size_t second = answer.find(length, first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_EQ(answer.find("\r\n\r\n", second) + 4, answer.size());
}

}  // namespace
}  // namespace neutrino::http
