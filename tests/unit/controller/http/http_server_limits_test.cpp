// What a hostile or broken client can hold of HttpServer, and for how long: deadlines for
// headers, bodies and idle keep-alive connections, the connection limit with its shedding and
// 503, header line limits. Short timeouts through ServerOptions keep these fast.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/http_client.hpp"
#include "common/json.hpp"
#include "controller/http/http_server.hpp"
#include "tests/unit/controller/http/raw_connection.hpp"

namespace neutrino::http {
namespace {

using testing::RawConnection;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

Response echo_body(const Request& request) {
  Response r;
  r.content_type = "text/plain";
  r.body = request.method + " " + request.path + " " + request.body;
  return r;
}

ServerOptions fast(ServerOptions options = {}) {
  options.header_timeout = 500ms;
  options.body_timeout = 500ms;
  options.idle_timeout = 500ms;
  options.min_body_rate = 1 << 20;
  return options;
}

std::unique_ptr<HttpServer> start_server(ServerOptions options,
                                         RequestHandler handler = echo_body) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
  server->start();
  return server;
}

milliseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

// Sends `bytes` one at a time, `interval` apart, until the server closes the connection or
// `limit` passes. Returns how long the connection lasted (>= limit: it was not closed).
milliseconds drip(RawConnection& raw, const std::string& bytes, milliseconds interval,
                  milliseconds limit) {
  const auto start = Clock::now();
  size_t next = 0;
  while (since(start) < limit) {
    try {
      raw.send(bytes.substr(next++ % bytes.size(), 1));
    } catch (const std::runtime_error&) {
      break;  // reset by the server
    }
    raw.read_until_close(interval);
    if (raw.closed()) {
      break;
    }
  }
  return since(start);
}

// Waits for the server to close `raw`; returns how long that took (>= limit: never).
milliseconds wait_for_close(RawConnection& raw, milliseconds limit) {
  const auto start = Clock::now();
  raw.read_until_close(limit);
  return since(start);
}

std::string get(const std::string& path) {
  return "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

TEST(HttpServerLimitsTest, HeaderDripIsCutAtTheDeadlineWhateverItsPace) {
  auto server = start_server(fast());
  RawConnection raw(server->port());
  // A byte every 50 ms: no single read ever waits long, only the total is too long.
  const milliseconds lasted =
      drip(raw, "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + std::string(1000, 'a'), 50ms, 3s);
  EXPECT_TRUE(raw.closed());
  EXPECT_GE(lasted, 400ms);
  EXPECT_LT(lasted, 1500ms);
}

TEST(HttpServerLimitsTest, SilentConnectionIsClosedAtTheHeaderDeadline) {
  auto server = start_server(fast());
  RawConnection raw(server->port());
  const milliseconds lasted = wait_for_close(raw, 3s);
  EXPECT_TRUE(raw.closed());
  EXPECT_GE(lasted, 400ms);
  EXPECT_LT(lasted, 1500ms);
}

TEST(HttpServerLimitsTest, IdleKeepAliveConnectionIsClosedAfterItsTimeout) {
  ServerOptions options = fast();
  options.header_timeout = 5s;  // the idle timeout, not the header deadline, must close it
  auto server = start_server(options);
  RawConnection idle(server->port());
  idle.send(get("/first"));
  EXPECT_EQ(testing::count_responses(idle.read_responses(1)), 1);
  const milliseconds lasted = wait_for_close(idle, 3s);
  EXPECT_TRUE(idle.closed());
  EXPECT_GE(lasted, 400ms);
  EXPECT_LT(lasted, 1500ms);

  // A client that keeps asking keeps its connection: the timer restarts with each request.
  RawConnection busy(server->port());
  for (int i = 0; i < 5; ++i) {
    busy.send(get("/again"));
    EXPECT_EQ(testing::count_responses(busy.read_responses(1)), 1) << i;
    std::this_thread::sleep_for(300ms);
  }
  EXPECT_FALSE(busy.closed());
}

TEST(HttpServerLimitsTest, BodyDeadlineCutsADripAndGrowsWithTheAnnouncedLength) {
  std::atomic<int> calls{0};
  ServerOptions options = fast();
  options.body_timeout = 300ms;
  options.min_body_rate = 10'000;  // 10,000 bytes may take 300 ms + 1 s
  auto server = start_server(options, [&](const Request& r) {
    ++calls;
    return echo_body(r);
  });
  {
    RawConnection slow(server->port());
    slow.send("POST /slow HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    const milliseconds lasted = drip(slow, "x", 50ms, 3s);  // 100 bytes: 310 ms allowed
    EXPECT_TRUE(slow.closed());
    EXPECT_LT(lasted, 1500ms);
  }
  EXPECT_EQ(calls, 0);
  // 10,000 bytes in 10 pieces over a second: slower than body_timeout alone would allow.
  RawConnection steady(server->port());
  steady.send("POST /steady HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n");
  for (int i = 0; i < 10; ++i) {
    std::this_thread::sleep_for(100ms);
    steady.send(std::string(1000, 'b'));
  }
  const std::string answer = steady.read_responses(1);
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer.substr(0, 200);
  EXPECT_EQ(calls, 1);
}

// Holds a connection with a request admitted: header complete, body still to come.
std::unique_ptr<RawConnection> busy_connection(uint16_t port) {
  auto raw = std::make_unique<RawConnection>(port);
  raw->send("POST /busy HTTP/1.1\r\nHost: x\r\nContent-Length: 20\r\n\r\n0123456789");
  return raw;
}

TEST(HttpServerLimitsTest, ConnectionBeyondTheLimitGets503WithRetryAfter) {
  ServerOptions options = fast();
  options.body_timeout = 10s;
  options.max_connections = 3;
  options.retry_after = 7s;
  auto server = start_server(options);
  std::vector<std::unique_ptr<RawConnection>> busy;
  for (int i = 0; i < 3; ++i) {
    busy.push_back(busy_connection(server->port()));
  }
  std::this_thread::sleep_for(100ms);  // let the server read their headers
  EXPECT_EQ(server->open_connections(), 3u);

  RawConnection refused(server->port());
  refused.send(get("/refused"));
  const std::string bytes = refused.read_until_close(3s);
  EXPECT_TRUE(refused.closed());
  EXPECT_EQ(bytes.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0), 0u) << bytes;
  EXPECT_NE(bytes.find("Retry-After: 7\r\n"), std::string::npos) << bytes;
  const Json body = Json::parse(bytes.substr(bytes.find("\r\n\r\n") + 4));
  EXPECT_EQ(body["NeutronError"]["type"], "HTTPServiceUnavailable");
  EXPECT_EQ(body["NeutronError"]["message"],
            "The server is handling too many connections; retry later.");

  // The admitted requests were not disturbed, and their slots free up when they are done.
  busy[0]->send("abcdefghij");
  const std::string done = busy[0]->read_responses(1);
  EXPECT_EQ(done.rfind("HTTP/1.1 200", 0), 0u) << done;
  EXPECT_NE(done.find("POST /busy 0123456789abcdefghij"), std::string::npos) << done;
  busy[0].reset();
  std::this_thread::sleep_for(100ms);
  HttpClient client("127.0.0.1", server->port());
  EXPECT_EQ(client.request("GET", "/after").status, 200);
}

TEST(HttpServerLimitsTest, IdleAndUnfinishedConnectionsAreShedLongestWaitingFirst) {
  ServerOptions options = fast();
  options.header_timeout = 10s;
  options.idle_timeout = 10s;
  options.max_connections = 3;
  auto server = start_server(options);
  RawConnection oldest(server->port());  // never sends a byte
  std::this_thread::sleep_for(50ms);
  RawConnection keep_alive(server->port());  // done with a request, waiting for the next
  keep_alive.send(get("/once"));
  EXPECT_EQ(testing::count_responses(keep_alive.read_responses(1)), 1);
  RawConnection unfinished(server->port());  // half a header
  unfinished.send("GET /half HTTP/1.1\r\nHo");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(server->open_connections(), 3u);

  // Three clients with real requests get in, each in the place of the longest waiting; they
  // stay connected, so every one of them needs a slot.
  std::vector<std::unique_ptr<RawConnection>> clients;
  for (int i = 0; i < 3; ++i) {
    clients.push_back(std::make_unique<RawConnection>(server->port()));
    clients.back()->send(get("/real"));
    const std::string bytes = clients.back()->read_responses(1, 3s);
    EXPECT_EQ(bytes.rfind("HTTP/1.1 200", 0), 0u) << i << ": " << bytes;
    if (i == 0) {
      wait_for_close(oldest, 1s);
      EXPECT_TRUE(oldest.closed());
      keep_alive.read_until_close(200ms);
      EXPECT_FALSE(keep_alive.closed());
    }
  }
  wait_for_close(keep_alive, 1s);
  wait_for_close(unfinished, 1s);
  EXPECT_TRUE(keep_alive.closed());
  EXPECT_TRUE(unfinished.closed());
  EXPECT_EQ(server->open_connections(), 3u);
  for (auto& client : clients) {
    client->read_until_close(100ms);
    EXPECT_FALSE(client->closed());
  }
}

TEST(HttpServerLimitsTest, BusyHandlersDoNotHoldUpDeadlinesOrOtherConnections) {
  // One handler thread, blocked: reading, deadlines and refusals must go on regardless.
  std::mutex mutex;
  std::condition_variable released_cv;
  bool released = false;
  ServerOptions options = fast();
  options.threads = 1;
  auto server = start_server(options, [&](const Request& r) {
    if (r.path == "/block") {
      std::unique_lock lock(mutex);
      released_cv.wait_for(lock, 10s, [&] { return released; });
    }
    return echo_body(r);
  });
  RawConnection blocked(server->port());
  blocked.send(get("/block"));
  std::this_thread::sleep_for(100ms);

  RawConnection dripping(server->port());
  const milliseconds lasted =
      drip(dripping, "GET / HTTP/1.1\r\nX: " + std::string(500, 'a'), 50ms, 3s);
  EXPECT_TRUE(dripping.closed());
  EXPECT_LT(lasted, 1500ms);

  // A request read meanwhile waits for the handler thread, then is answered.
  RawConnection queued(server->port());
  queued.send(get("/queued"));
  {
    std::lock_guard lock(mutex);
    released = true;
  }
  released_cv.notify_all();
  EXPECT_EQ(testing::count_responses(blocked.read_responses(1)), 1);
  EXPECT_NE(queued.read_responses(1).find("GET /queued"), std::string::npos);
}

TEST(HttpServerLimitsTest, OverlongLinesAreRefused) {
  ServerOptions options = fast();
  options.max_header_line = 1024;
  options.max_header_bytes = 4096;
  auto server = start_server(options);
  const auto first_line = [&](const std::string& request) {
    RawConnection raw(server->port());
    raw.send(request);
    const std::string bytes = raw.read_until_close(3s);
    return bytes.substr(0, bytes.find("\r\n"));
  };
  EXPECT_EQ(first_line("GET / HTTP/1.1\r\nX-Long: " + std::string(1100, 'a') + "\r\n\r\n"),
            "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(first_line("GET /" + std::string(1100, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n"),
            "HTTP/1.1 414 URI Too Long");
  std::string many = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 8; ++i) {
    many += "X-" + std::to_string(i) + ": " + std::string(900, 'b') + "\r\n";
  }
  EXPECT_EQ(first_line(many + "\r\n"), "HTTP/1.1 400 Bad Request");
  EXPECT_EQ(first_line("GET / HTTP/1.1\r\nX-Fine: " + std::string(900, 'c') +
                       "\r\nConnection: close\r\n\r\n"),
            "HTTP/1.1 200 OK");
}

TEST(HttpServerLimitsTest, KeepAliveCanBeTurnedOff) {
  ServerOptions options = fast();
  options.keep_alive = false;
  auto server = start_server(options);
  RawConnection raw(server->port());
  raw.send(get("/once"));
  const std::string bytes = raw.read_until_close(3s);
  EXPECT_TRUE(raw.closed());
  EXPECT_EQ(testing::count_responses(bytes), 1);
  EXPECT_NE(bytes.find("Connection: close\r\n"), std::string::npos) << bytes;
}

TEST(HttpServerLimitsTest, ExpectContinueIsAnsweredBeforeTheBody) {
  auto server = start_server(fast());
  RawConnection raw(server->port());
  raw.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");
  const std::string interim = raw.read_responses(1, 2s);
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  raw.send("hello");
  EXPECT_NE(raw.read_responses(1).find("POST /upload hello"), std::string::npos);
}

TEST(HttpServerLimitsTest, RefusalsUseTheErrorRendererWithThePath) {
  ServerOptions options = fast();
  options.max_body_bytes = 10;
  options.render_error = [](int status, const std::string& type, const std::string& message,
                            const std::string& path) {
    return Response::json(
        status, Json{{"status", status}, {"type", type}, {"message", message}, {"path", path}});
  };
  auto server = start_server(options);
  HttpClient client("127.0.0.1", server->port());
  const auto result = client.request("POST", "/v3/auth/tokens?x=1", std::string(11, 'a'));
  EXPECT_EQ(result.status, 413);
  EXPECT_EQ(Json::parse(result.body), Json::parse(R"({"status": 413, "path": "/v3/auth/tokens",
      "type": "HTTPRequestEntityTooLarge", "message": "Request is too large."})"));
}

}  // namespace
}  // namespace neutrino::http
