#include "controller/http/http_server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <regex>
#include <stdexcept>
#include <thread>

#include "common/http_client.hpp"
#include "common/json.hpp"
#include "tests/unit/controller/http/raw_connection.hpp"
#include "tests/unit/controller/http/self_signed_cert.hpp"

namespace neutrino::http {
namespace {

using testing::RawConnection;
using namespace std::chrono_literals;

// Answers with everything the server put into the Request, so tests can check the parsing.
Response echo(const Request& request) {
  Json query = Json::array();
  for (const auto& [key, value] : request.query) {
    query.push_back({key, value});
  }
  return Response::json(200, Json{{"method", request.method},
                                  {"target", request.target},
                                  {"path", request.path},
                                  {"query", query},
                                  {"headers", request.headers},
                                  {"body", request.body},
                                  {"remote", request.remote_address},
                                  {"secure", request.secure}});
}

std::unique_ptr<HttpServer> start_server(RequestHandler handler, ServerOptions options = {}) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
  server->start();
  return server;
}

TEST(HttpServerTest, ListensOnEphemeralPort) {
  auto server = start_server(echo);
  EXPECT_NE(server->port(), 0);
  EXPECT_FALSE(server->tls());
}

TEST(HttpServerTest, FillsRequestFromTheWire) {
  auto server = start_server(echo);
  HttpClient client("127.0.0.1", server->port());
  const auto result =
      client.request("POST", "/v2.0/a%20b/c%2Fd?fields=id&fields=name&q=a+b&empty=", R"({"x":1})",
                     {{"X-Test", "one"}, {"x-test", "two"}, {"X-Mixed-CASE", "Value"}});
  ASSERT_EQ(result.status, 200) << result.body;
  const Json echoed = Json::parse(result.body);
  EXPECT_EQ(echoed["method"], "POST");
  EXPECT_EQ(echoed["target"], "/v2.0/a%20b/c%2Fd?fields=id&fields=name&q=a+b&empty=");
  EXPECT_EQ(echoed["path"], "/v2.0/a b/c/d");
  EXPECT_EQ(echoed["query"], Json::parse(R"([["fields","id"],["fields","name"],["q","a b"],
                                               ["empty",""]])"));
  EXPECT_EQ(echoed["body"], R"({"x":1})");
  EXPECT_EQ(echoed["headers"]["x-test"], "one, two");
  EXPECT_EQ(echoed["headers"]["x-mixed-case"], "Value");  // values keep their case
  EXPECT_EQ(echoed["headers"]["content-length"], "7");
  EXPECT_EQ(echoed["remote"], "127.0.0.1");
  EXPECT_EQ(echoed["secure"], false);
}

TEST(HttpServerTest, AddsStandardResponseHeaders) {
  auto server = start_server([](const Request& request) {
    if (request.path == "/empty") {
      return Response::empty(204);
    }
    return Response::json(201, Json{{"ok", true}}).with_header("X-Openstack-Request-Id", "req-1");
  });
  HttpClient client("127.0.0.1", server->port());
  const auto created = client.request("GET", "/");
  EXPECT_EQ(created.status, 201);
  EXPECT_EQ(created.body, R"({"ok":true})");
  EXPECT_EQ(created.headers.at("content-type"), "application/json");
  EXPECT_EQ(created.headers.at("content-length"), "11");
  EXPECT_EQ(created.headers.at("server"), "neutrino");
  EXPECT_EQ(created.headers.at("x-openstack-request-id"), "req-1");
  EXPECT_TRUE(std::regex_match(created.headers.at("date"),
                               std::regex(R"([A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} )"
                                          R"(\d{2}:\d{2}:\d{2} GMT)")))
      << created.headers.at("date");

  const auto empty = client.request("DELETE", "/empty");
  EXPECT_EQ(empty.status, 204);
  EXPECT_EQ(empty.headers.count("content-type"), 0u);
  EXPECT_EQ(empty.headers.at("content-length"), "0");
}

TEST(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  auto server = start_server([&](const Request& request) {
    ++calls;
    return echo(request);
  });
  HttpClient client("127.0.0.1", server->port());
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(client.request("GET", "/n/" + std::to_string(i)).status, 200);
  }
  EXPECT_EQ(calls, 3);
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  auto server = start_server(
      [](const Request& request) {
        if (request.path == "/first") {
          std::this_thread::sleep_for(100ms);  // a racing second answer would overtake this
        }
        Response r;
        r.content_type = "text/plain";
        r.body = request.path;
        return r;
      },
      ServerOptions{.threads = 4});
  RawConnection raw(server->port());
  raw.send(
      "GET /first HTTP/1.1\r\nHost: x\r\n\r\n"
      "GET /second HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string bytes = raw.read_responses(2);
  ASSERT_EQ(testing::count_responses(bytes), 2) << bytes;
  const size_t first = bytes.find("\r\n\r\n/first");
  const size_t second = bytes.find("\r\n\r\n/second");
  ASSERT_NE(first, std::string::npos) << bytes;
  ASSERT_NE(second, std::string::npos) << bytes;
  EXPECT_LT(first, second);
  EXPECT_FALSE(raw.closed());
}

TEST(HttpServerTest, HeadSendsHeadersWithoutBody) {
  auto server = start_server([](const Request&) {
    Response r;
    r.content_type = "text/plain";
    r.body = "hello world";
    return r;
  });
  RawConnection raw(server->port());
  raw.send("HEAD /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string bytes = raw.read_until_close();
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(bytes.rfind("HTTP/1.1 200 OK\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("Content-Length: 11\r\n"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.find("hello"), std::string::npos) << bytes;
  EXPECT_EQ(bytes.substr(bytes.size() - 4), "\r\n\r\n");

  // The client must not wait for the announced body, and the connection stays usable.
  HttpClient client("127.0.0.1", server->port());
  const auto head = client.request("HEAD", "/x");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(head.headers.at("content-length"), "11");
  EXPECT_EQ(client.request("GET", "/x").body, "hello world");
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST(HttpServerTest, HonoursConnectionClose) {
  auto server = start_server(echo);
  RawConnection raw(server->port());
  raw.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::string bytes = raw.read_until_close(5s);
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(testing::count_responses(bytes), 1) << bytes;
  EXPECT_NE(bytes.find("Connection: close\r\n"), std::string::npos) << bytes;
}

TEST(HttpServerTest, Http10ClosesUnlessKeepAliveAsked) {
  auto server = start_server(echo);
  {
    RawConnection raw(server->port());
    raw.send("GET / HTTP/1.0\r\n\r\n");
    const std::string bytes = raw.read_until_close(5s);
    EXPECT_TRUE(raw.closed());
    EXPECT_EQ(bytes.rfind("HTTP/1.0 200", 0), 0u) << bytes;
  }
  {
    RawConnection raw(server->port());
    raw.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    const std::string bytes = raw.read_responses(1);
    EXPECT_EQ(testing::count_responses(bytes), 1) << bytes;
    EXPECT_NE(bytes.find("Connection: keep-alive\r\n"), std::string::npos) << bytes;
    EXPECT_FALSE(raw.closed());
  }
}

TEST(HttpServerTest, RejectsTooLargeBodyAndCloses) {
  std::atomic<int> calls{0};
  auto server = start_server(
      [&](const Request& request) {
        ++calls;
        return echo(request);
      },
      ServerOptions{.max_body_bytes = 1024});
  HttpClient client("127.0.0.1", server->port());
  EXPECT_EQ(client.request("POST", "/", std::string(1024, 'a')).status, 200);  // at the limit
  // Small enough to sit in socket buffers, and big enough to need draining (8 MB).
  for (size_t size : {size_t{1025}, size_t{8} << 20}) {
    const auto result = client.request("POST", "/", std::string(size, 'a'));
    EXPECT_EQ(result.status, 413) << size;
    EXPECT_EQ(Json::parse(result.body),
              Json::parse(R"({"NeutronError":{"type":"HTTPRequestEntityTooLarge",
                              "message":"Request is too large.","detail":""}})"));
    EXPECT_EQ(result.headers.at("connection"), "close");
  }
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(client.request("GET", "/").status, 200);
  EXPECT_EQ(client.connections_opened(), 3u);  // each 413 ended its connection
}

TEST(HttpServerTest, MalformedRequestsGet400AndClose) {
  auto server = start_server(echo);
  for (const char* garbage : {"NOT HTTP AT ALL\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
                              "GET / HTTP/9\r\n\r\n"}) {
    RawConnection raw(server->port());
    raw.send(garbage);
    const std::string bytes = raw.read_until_close(5s);
    EXPECT_TRUE(raw.closed()) << garbage;
    EXPECT_EQ(bytes.rfind("HTTP/1.1 400", 0), 0u) << garbage << " -> " << bytes;
  }
}

TEST(HttpServerTest, HandlerExceptionBecomes500) {
  auto server = start_server([](const Request& request) -> Response {
    if (request.path == "/std") {
      throw std::runtime_error("database is locked");
    }
    if (request.path == "/other") {
      throw 42;
    }
    if (request.path == "/status") {
      return Response::empty(1000);  // not a valid status line
    }
    return echo(request);
  });
  HttpClient client("127.0.0.1", server->port());
  for (const char* path : {"/std", "/other", "/status"}) {
    const auto result = client.request("GET", path);
    EXPECT_EQ(result.status, 500) << path;
    const Json body = Json::parse(result.body);
    EXPECT_EQ(body["NeutronError"]["type"], "HTTPInternalServerError") << path;
    EXPECT_EQ(result.body.find("locked"), std::string::npos);  // details stay in the log
  }
  EXPECT_EQ(client.request("GET", "/fine").status, 200);
  EXPECT_EQ(client.connections_opened(), 1u);  // an error answer keeps the connection
}

TEST(HttpServerTest, ServesConnectionsConcurrently) {
  // Each handler waits for the other to arrive: only a server running two handlers at once
  // lets both see the rendezvous.
  std::mutex mutex;
  std::condition_variable arrived;
  int in_flight = 0;
  auto server = start_server(
      [&](const Request&) {
        std::unique_lock lock(mutex);
        ++in_flight;
        arrived.notify_all();
        const bool met = arrived.wait_for(lock, 5s, [&] { return in_flight >= 2; });
        return Response::json(200, Json{{"met", met}});
      },
      ServerOptions{.threads = 2});
  std::string first_body;
  std::thread other([&] {
    HttpClient client("127.0.0.1", server->port());
    first_body = client.request("GET", "/a").body;
  });
  HttpClient client("127.0.0.1", server->port());
  EXPECT_EQ(client.request("GET", "/b").body, R"({"met":true})");
  other.join();
  EXPECT_EQ(first_body, R"({"met":true})");
}

TEST(HttpServerTest, StartFailsWhenPortIsTaken) {
  auto first = start_server(echo);
  HttpServer second(ServerOptions{.port = first->port()}, echo);
  try {
    second.start();
    FAIL() << "second bind succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()).rfind(
                  "cannot listen on 127.0.0.1:" + std::to_string(first->port()) + ": ", 0),
              0u)
        << e.what();
  }
  HttpServer bad(ServerOptions{.address = "no-such-host.invalid"}, echo);
  EXPECT_THROW(bad.start(), std::runtime_error);
}

TEST(HttpServerTest, StopClosesIdleConnectionsAndIsIdempotent) {
  auto server = start_server(echo);
  RawConnection raw(server->port());
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(testing::count_responses(raw.read_responses(1)), 1);
  EXPECT_FALSE(raw.closed());
  const auto begin = std::chrono::steady_clock::now();
  server->stop();
  EXPECT_LT(std::chrono::steady_clock::now() - begin, 2s);
  raw.read_until_close(2s);
  EXPECT_TRUE(raw.closed());
  server->stop();
  EXPECT_THROW(RawConnection{server->port()}, std::runtime_error);  // no longer listening

  HttpServer never_started(ServerOptions{}, echo);
  never_started.stop();
}

TEST(HttpServerTest, CanStartAgainAfterStop) {
  auto server = start_server(echo);
  server->stop();
  server->start();
  HttpClient client("127.0.0.1", server->port());
  EXPECT_EQ(client.request("GET", "/again").status, 200);
}

class HttpsServerTest : public ::testing::Test {
 protected:
  testing::SelfSignedCert cert_;
  ServerOptions tls_options() const {
    return ServerOptions{.tls_cert_file = cert_.cert_file(), .tls_key_file = cert_.key_file()};
  }
};

TEST_F(HttpsServerTest, ServesHttpsWithKeepAlive) {
  auto server = start_server(echo, tls_options());
  EXPECT_TRUE(server->tls());
  HttpClient client("127.0.0.1", server->port(), true);
  client.set_verify_peer(false);
  for (int i = 0; i < 2; ++i) {
    const auto result = client.request("PUT", "/v2.0/ports/p1?x=1", R"({"port":{}})");
    ASSERT_EQ(result.status, 200);
    const Json echoed = Json::parse(result.body);
    EXPECT_EQ(echoed["secure"], true);
    EXPECT_EQ(echoed["path"], "/v2.0/ports/p1");
    EXPECT_EQ(echoed["body"], R"({"port":{}})");
  }
  EXPECT_EQ(client.connections_opened(), 1u);
}

TEST_F(HttpsServerTest, ServesHttpsOnly) {
  auto server = start_server(echo, tls_options());
  HttpClient plain("127.0.0.1", server->port());
  plain.set_timeout(5s);
  EXPECT_THROW(plain.request("GET", "/"), std::runtime_error);
}

TEST_F(HttpsServerTest, ClientVerifiesCertificate) {
  auto server = start_server(echo, tls_options());
  HttpClient untrusted("127.0.0.1", server->port(), true);  // system store: self-signed fails
  EXPECT_THROW(untrusted.request("GET", "/"), std::runtime_error);
  for (const char* host : {"127.0.0.1", "localhost"}) {
    HttpClient trusted(host, server->port(), true);
    trusted.set_ca_file(cert_.cert_file());
    EXPECT_EQ(trusted.request("GET", "/").status, 200) << host;
  }
}

TEST_F(HttpsServerTest, BadCertificateFilesFailToStart) {
  testing::SelfSignedCert other;
  const std::vector<std::pair<ServerOptions, std::string>> cases = {
      {{.tls_cert_file = "/nonexistent/cert.pem", .tls_key_file = cert_.key_file()},
       "/nonexistent/cert.pem"},
      {{.tls_cert_file = cert_.cert_file(), .tls_key_file = cert_.cert_file()}, "key"},
      {{.tls_cert_file = cert_.cert_file(), .tls_key_file = other.key_file()}, "mismatch"},
      {{.tls_cert_file = cert_.cert_file()}, "both"},
  };
  for (const auto& [options, expected] : cases) {
    HttpServer server(options, echo);
    try {
      server.start();
      ADD_FAILURE() << "started with " << options.tls_cert_file << " / " << options.tls_key_file;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace neutrino::http
