#include "agent/compute/glance_image_source.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "common/channel/hmac_signer.hpp"

namespace neutrino::agent {
namespace {

// Answers one HTTP request on 127.0.0.1 with `response`, keeping the request it got.
class OneShotServer {
 public:
  explicit OneShotServer(std::string response) : response_(std::move(response)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(fd_, 1);
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      const int client = ::accept(fd_, nullptr, nullptr);
      char buffer[4096];
      while (request_.find("\r\n\r\n") == std::string::npos) {
        const ssize_t n = ::read(client, buffer, sizeof buffer);
        if (n <= 0) {
          break;
        }
        request_.append(buffer, static_cast<size_t>(n));
      }
      for (size_t at = 0; at < response_.size();) {
        const ssize_t n = ::write(client, response_.data() + at, response_.size() - at);
        if (n <= 0) {
          break;
        }
        at += static_cast<size_t>(n);
      }
      ::close(client);
    });
  }
  ~OneShotServer() {
    thread_.join();
    ::close(fd_);
  }
  uint16_t port() const { return port_; }
  const std::string& request() const { return request_; }  // after the fetch

 private:
  std::string response_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::string request_;
  std::thread thread_;
};

TEST(ImageServiceEndpoint, ParsesNovasForm) {
  const auto e = ImageServiceEndpoint::parse("http://192.0.2.5:9292/image/");
  EXPECT_EQ(e.host, "192.0.2.5");
  EXPECT_EQ(e.port, 9292);
  EXPECT_EQ(e.path_prefix, "/image");
  EXPECT_EQ(ImageServiceEndpoint::parse("http://glance").port, 80);
  EXPECT_THROW(ImageServiceEndpoint::parse("ftp://x/image"), std::invalid_argument);
  EXPECT_THROW(ImageServiceEndpoint::parse("http://:80/image"), std::invalid_argument);
  EXPECT_THROW(ImageServiceEndpoint::parse("http://x:99999/image"), std::invalid_argument);
}

TEST(GlanceImageSource, SignedRequestAndStreamedBody) {
  const std::string body(300000, 'b');
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) +
                       "\r\nContent-Type: application/octet-stream\r\n\r\n" + body);
  GlanceImageSource source({"127.0.0.1", server.port(), "/image"}, "compute1", "agent-secret");
  compute::ImageMeta image;
  image.id = "6d1f0c1e-0000-4000-8000-000000000001";
  std::string received;
  int chunks = 0;
  source.fetch(image, [&](std::string_view chunk) {
    received.append(chunk);
    ++chunks;
  });
  EXPECT_EQ(received, body);
  EXPECT_GT(chunks, 1);
  const std::string& request = server.request();
  EXPECT_EQ(request.rfind("GET /image/v2/images/" + image.id + "/file HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(request.find("X-Neutrino-Agent-Host: compute1\r\n"), std::string::npos);
  const std::string signature = channel::HmacSigner("agent-secret").sign("compute1\n" + image.id);
  EXPECT_NE(request.find("X-Neutrino-Agent-Signature: " + signature + "\r\n"), std::string::npos);
}

TEST(GlanceImageSource, ErrorStatusIsAnImageError) {
  OneShotServer server("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
  GlanceImageSource source({"127.0.0.1", server.port(), "/image"}, "compute1", "wrong");
  compute::ImageMeta image;
  image.id = "x";
  try {
    source.fetch(image, [](std::string_view) {});
    FAIL() << "no error";
  } catch (const compute::ImageError& e) {
    EXPECT_NE(std::string(e.what()).find("403"), std::string::npos);
  }
}

TEST(GlanceImageSource, BodyCutShortIsAnError) {
  OneShotServer server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly a little");
  GlanceImageSource source({"127.0.0.1", server.port(), ""}, "compute1", "s");
  compute::ImageMeta image;
  image.id = "x";
  EXPECT_THROW(source.fetch(image, [](std::string_view) {}), compute::ImageError);
}

}  // namespace
}  // namespace neutrino::agent
