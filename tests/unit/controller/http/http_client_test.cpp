#include "common/http_client.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <stdexcept>
#include <thread>

#include "common/json.hpp"
#include "controller/http/http_server.hpp"

namespace neutrino {
namespace {

using http::HttpServer;
using http::Request;
using http::Response;
using http::ServerOptions;
using namespace std::chrono_literals;

// "/bye" asks the client to close, "/slow" takes a second, "/big" is larger than Beast's
// default 8 MB response limit; everything else echoes the request headers.
Response handle(const Request& request) {
  if (request.path == "/bye") {
    return Response::json(200, Json{{"bye", true}}).with_header("Connection", "close");
  }
  if (request.path == "/slow") {
    std::this_thread::sleep_for(1s);
  }
  if (request.path == "/big") {
    Response r;
    r.content_type = "application/octet-stream";
    r.body = std::string(10u << 20, 'x');
    return r;
  }
  return Response::json(200, Json{{"headers", request.headers}, {"body", request.body}})
      .with_header("X-Multi", "1")
      .with_header("X-Multi", "2");
}

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override { server_->start(); }
  std::unique_ptr<HttpServer> server_ = std::make_unique<HttpServer>(ServerOptions{}, handle);
};

TEST_F(HttpClientTest, SendsDefaultAndCustomHeaders) {
  HttpClient client("127.0.0.1", server_->port());
  const auto result = client.request("POST", "/", R"({"a":1})", {{"X-Auth-Token", "tok"}});
  ASSERT_EQ(result.status, 200);
  const Json echoed = Json::parse(result.body);
  EXPECT_EQ(echoed["headers"]["host"], "127.0.0.1:" + std::to_string(server_->port()));
  EXPECT_EQ(echoed["headers"]["user-agent"], "neutrino-http-client");
  EXPECT_EQ(echoed["headers"]["content-type"], "application/json");
  EXPECT_EQ(echoed["headers"]["x-auth-token"], "tok");
  EXPECT_EQ(echoed["body"], R"({"a":1})");

  const auto custom = client.request("PUT", "/", "text", {{"Content-Type", "text/plain"}});
  EXPECT_EQ(Json::parse(custom.body)["headers"]["content-type"], "text/plain");

  const auto empty_post = client.request("POST", "/");
  EXPECT_EQ(Json::parse(empty_post.body)["headers"]["content-length"], "0");
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(HttpClientTest, ResultHeadersAreLowerCaseAndJoined) {
  HttpClient client("127.0.0.1", server_->port());
  const auto result = client.request("GET", "/");
  EXPECT_EQ(result.headers.at("x-multi"), "1, 2");
  EXPECT_EQ(result.headers.at("content-type"), "application/json");
  EXPECT_EQ(result.headers.count("Content-Type"), 0u);
}

TEST_F(HttpClientTest, ReconnectsAfterConnectionCloseResponse) {
  HttpClient client("127.0.0.1", server_->port());
  EXPECT_EQ(client.request("GET", "/a").status, 200);
  const auto bye = client.request("GET", "/bye");
  EXPECT_EQ(bye.status, 200);
  EXPECT_EQ(bye.headers.at("connection"), "close");
  EXPECT_EQ(client.request("GET", "/c").status, 200);
  EXPECT_EQ(client.request("GET", "/d").status, 200);
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(HttpClientTest, ReconnectsWhenServerDroppedIdleConnection) {
  HttpClient client("127.0.0.1", server_->port());
  EXPECT_EQ(client.request("GET", "/a").status, 200);
  // A restart closes the kept-alive connection behind the client's back.
  const uint16_t port = server_->port();
  server_.reset();
  server_ = std::make_unique<HttpServer>(ServerOptions{.port = port}, handle);
  server_->start();
  EXPECT_EQ(client.request("POST", "/b", "{}").status, 200);
  EXPECT_EQ(client.connections_opened(), 2u);
}

TEST_F(HttpClientTest, TimesOutAndRecovers) {
  HttpClient client("127.0.0.1", server_->port());
  client.set_timeout(200ms);
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(client.request("GET", "/slow"), std::runtime_error);
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 900ms);
  EXPECT_EQ(client.request("GET", "/fast").status, 200);
  EXPECT_EQ(client.connections_opened(), 2u);  // the timed-out connection was dropped
}

TEST_F(HttpClientTest, ReadsBodiesBeyondBeastDefaultLimit) {
  HttpClient client("127.0.0.1", server_->port());
  const auto result = client.request("GET", "/big");
  EXPECT_EQ(result.status, 200);
  EXPECT_EQ(result.body.size(), 10u << 20);
}

TEST_F(HttpClientTest, ConnectionRefusedThrows) {
  const uint16_t port = server_->port();
  server_->stop();
  HttpClient client("127.0.0.1", port);
  try {
    client.request("GET", "/");
    FAIL() << "request to a closed port succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot connect to 127.0.0.1:" + std::to_string(port)),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(client.connections_opened(), 0u);
}

TEST_F(HttpClientTest, IsMovable) {
  HttpClient first("127.0.0.1", server_->port());
  EXPECT_EQ(first.request("GET", "/").status, 200);
  HttpClient second = std::move(first);
  EXPECT_EQ(second.request("GET", "/").status, 200);
  EXPECT_EQ(second.connections_opened(), 1u);
}

}  // namespace
}  // namespace neutrino
