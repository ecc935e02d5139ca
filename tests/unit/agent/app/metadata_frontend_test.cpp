#include "agent/app/metadata_frontend.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "common/channel/hmac_signer.hpp"
#include "tests/unit/agent/app/fake_metadata_service.hpp"
#include "tests/unit/common/fake_monotonic_clock.hpp"

namespace neutrino::agent {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A guest: a blocking TCP client bound to its own loopback address (127.0.0.x).
class GuestConnection {
 public:
  GuestConnection(const std::string& source, uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    EXPECT_EQ(::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local), 0);
    sockaddr_in remote{};
    remote.sin_family = AF_INET;
    remote.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.0.1", &remote.sin_addr);
    EXPECT_EQ(::connect(fd_, reinterpret_cast<sockaddr*>(&remote), sizeof remote), 0);
  }
  ~GuestConnection() { ::close(fd_); }

  void send(const std::string& bytes) { ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

  // One whole answer ("" on timeout or close): status line, headers and body.
  std::string answer(std::chrono::milliseconds timeout = 2000ms) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
      const size_t end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        const size_t field = buffer_.find("Content-Length: ");
        if (field != std::string::npos && field < end) {
          length = std::stoul(buffer_.substr(field + 16));
        }
        if (buffer_.size() >= end + 4 + length) {
          std::string out = buffer_.substr(0, end + 4 + length);
          buffer_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!readable(deadline)) {
        return "";
      }
      char chunk[4096];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) {
        return "";
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
  }

  // Whether the proxy closed (or reset) the connection within `timeout`.
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (readable(deadline)) {
      char chunk[256];
      if (::recv(fd_, chunk, sizeof chunk, 0) <= 0) {
        return true;
      }
    }
    return false;
  }

 private:
  bool readable(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) {
      return false;
    }
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count())) > 0;
  }

  int fd_ = -1;
  std::string buffer_;
};

std::string get(const std::string& target, bool keep_alive = true) {
  return "GET " + target + " HTTP/1.1\r\nHost: 169.254.169.254\r\n" +
         (keep_alive ? "" : "Connection: close\r\n") + "\r\n";
}

int status_of(const std::string& answer) {
  return answer.size() > 12 ? std::stoi(answer.substr(9, 3)) : 0;
}

std::string body_of(const std::string& answer) {
  const size_t end = answer.find("\r\n\r\n");
  return end == std::string::npos ? "" : answer.substr(end + 4);
}

class MetadataFrontendTest : public ::testing::Test {
 protected:
  void SetUp() override { start({}); }

  void start(MetadataProxyLimits limits) {
    frontend_ =
        MetadataFrontend::create(io_, {"127.0.0.1", service_.port(), "secret"}, limits, clock_);
    for (const char* network : {"net-1", "net-2"}) {
      auto& acceptor = acceptors_.emplace_back(std::make_unique<tcp::acceptor>(
          io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)));
      ports_[network] = acceptor->local_endpoint().port();
      accept(*acceptor, network);
    }
    frontend_->set_instances({{{"net-1", "127.0.0.2"}, {"inst-a", "proj-a"}},
                              {{"net-1", "127.0.0.3"}, {"inst-b", "proj-b"}},
                              {{"net-2", "127.0.0.4"}, {"inst-c", "proj-c"}}});
    thread_ = std::thread([this] { io_.run(); });
  }

  void restart(MetadataProxyLimits limits) {
    TearDown();
    io_.restart();
    acceptors_.clear();
    work_.emplace(io_.get_executor());
    start(limits);
  }

  void TearDown() override {
    if (!thread_.joinable()) {
      return;
    }
    on_io([this] {
      frontend_->stop();
      for (auto& acceptor : acceptors_) {
        acceptor->close();
      }
    });
    work_.reset();
    thread_.join();
  }

  void accept(tcp::acceptor& acceptor, const std::string& network) {
    acceptor.async_accept(
        [this, &acceptor, network](boost::system::error_code ec, tcp::socket socket) {
          if (ec) {
            return;
          }
          frontend_->serve(std::move(socket), network);
          accept(acceptor, network);
        });
  }

  template <typename F>
  auto on_io(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    asio::post(io_, [&task] { task(); });
    return result.get();
  }

  MetadataFrontend::Stats stats() {
    return on_io([this] { return frontend_->stats(); });
  }

  GuestConnection guest(const std::string& source, const std::string& network = "net-1") {
    return GuestConnection(source, ports_[network]);
  }

  testing::FakeMetadataService service_;
  neutrino::testing::FakeMonotonicClock clock_;
  asio::io_context io_;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{
      io_.get_executor()};
  std::shared_ptr<MetadataFrontend> frontend_;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors_;
  std::map<std::string, uint16_t> ports_;
  std::thread thread_;
};

TEST_F(MetadataFrontendTest, ForwardsWithTheSignedInstanceIdOfThePortAtThatAddress) {
  auto a = guest("127.0.0.2");
  a.send(get("/latest/meta-data/instance-id"));
  const auto answer = a.answer();
  EXPECT_EQ(status_of(answer), 200) << answer;
  EXPECT_EQ(body_of(answer),
            "GET /latest/meta-data/instance-id id=inst-a tenant=proj-a "
            "for=127.0.0.2 sig=" +
                channel::HmacSigner("secret").sign("inst-a"));
  EXPECT_NE(answer.find("Server: neutrino-metadata-proxy"), std::string::npos);
}

TEST_F(MetadataFrontendTest, IdleConnectionsOfOneGuestDoNotStopAnother) {
  std::vector<std::unique_ptr<GuestConnection>> idle;
  for (int i = 0; i < 8; ++i) {
    idle.push_back(std::make_unique<GuestConnection>("127.0.0.2", ports_["net-1"]));
  }
  int closed = 0;
  for (auto& connection : idle) {
    closed += connection->closed_within(300ms) ? 1 : 0;
  }
  EXPECT_EQ(closed, 4);  // excess connections are closed at once; four stay
  auto b = guest("127.0.0.3");
  const auto started = Clock::now();
  b.send(get("/latest/meta-data/instance-id"));
  EXPECT_EQ(status_of(b.answer()), 200);
  EXPECT_LT(Clock::now() - started, 500ms);
  auto c = guest("127.0.0.4", "net-2");
  c.send(get("/latest/meta-data/instance-id"));
  EXPECT_EQ(status_of(c.answer()), 200);
  EXPECT_EQ(stats().refused, 4u);
}

TEST_F(MetadataFrontendTest, RequestsBeyondTheBurstAreAnswered429UntilTheBucketRefills) {
  auto a = guest("127.0.0.2");
  std::map<int, int> statuses;
  std::string refusal;
  for (int i = 0; i < 25; ++i) {
    a.send(get("/latest/meta-data/hostname"));
    const auto answer = a.answer();
    ++statuses[status_of(answer)];
    if (status_of(answer) == 429) {
      refusal = answer;
    }
  }
  EXPECT_EQ(statuses, (std::map<int, int>{{200, 20}, {429, 5}}));
  EXPECT_EQ(body_of(refusal), "429 Too Many Requests\n\nToo many requests; retry later.\n");
  EXPECT_NE(refusal.find("Retry-After: 1"), std::string::npos);
  EXPECT_EQ(service_.requests(), 20);  // refusals never reach the controller
  auto b = guest("127.0.0.3");
  b.send(get("/latest/meta-data/hostname"));
  EXPECT_EQ(status_of(b.answer()), 200);  // another guest is not limited by a's use
  clock_.advance(1s);
  statuses.clear();
  for (int i = 0; i < 12; ++i) {
    a.send(get("/latest/meta-data/hostname"));
    ++statuses[status_of(a.answer())];
  }
  EXPECT_EQ(statuses, (std::map<int, int>{{200, 10}, {429, 2}}));
}

TEST_F(MetadataFrontendTest, AnAddressNoPortHoldsIs404AndNeverReachesTheController) {
  auto stranger = guest("127.0.0.9");
  stranger.send(get("/latest/meta-data/instance-id"));
  const auto answer = stranger.answer();
  EXPECT_EQ(status_of(answer), 404);
  EXPECT_EQ(body_of(answer),
            "404 Not Found\n\nNo instance is known at 127.0.0.9 on this network.\n");
  EXPECT_EQ(service_.requests(), 0);
  // The same address on its own network is someone.
  auto c = guest("127.0.0.4", "net-1");
  c.send(get("/"));
  EXPECT_EQ(status_of(c.answer()), 404);
}

TEST_F(MetadataFrontendTest, UnknownAddressesShareOneGuestsConnections) {
  std::vector<std::unique_ptr<GuestConnection>> strangers;
  for (int i = 0; i < 6; ++i) {
    strangers.push_back(
        std::make_unique<GuestConnection>("127.0.1." + std::to_string(i + 1), ports_["net-1"]));
  }
  int closed = 0;
  for (auto& connection : strangers) {
    closed += connection->closed_within(300ms) ? 1 : 0;
  }
  EXPECT_EQ(closed, 2);
}

TEST_F(MetadataFrontendTest, AConnectionThatSendsNothingEndsAtTheRequestDeadline) {
  MetadataProxyLimits limits;
  limits.request_timeout = 300ms;
  restart(limits);
  auto a = guest("127.0.0.2");
  const auto started = Clock::now();
  EXPECT_TRUE(a.closed_within(2000ms));
  EXPECT_GE(Clock::now() - started, 250ms);
  EXPECT_EQ(stats().sessions, 0u);
}

TEST_F(MetadataFrontendTest, HeadersDrippedSlowlyEndAtTheRequestDeadline) {
  MetadataProxyLimits limits;
  limits.request_timeout = 300ms;
  restart(limits);
  auto a = guest("127.0.0.2");
  const std::string request = get("/latest/meta-data/instance-id");
  const auto started = Clock::now();
  bool closed = false;
  for (size_t i = 0; i < request.size() - 1 && !closed; ++i) {
    a.send(request.substr(i, 1));
    closed = a.closed_within(50ms);
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(Clock::now() - started, 1s);
}

TEST_F(MetadataFrontendTest, KeepAliveStaysOpenBetweenRequestsWithinTheDeadline) {
  auto a = guest("127.0.0.2");
  for (int i = 0; i < 3; ++i) {
    a.send(get("/latest/meta-data/instance-id"));
    EXPECT_EQ(status_of(a.answer()), 200);
  }
  a.send(get("/latest/meta-data/instance-id", false));
  EXPECT_EQ(status_of(a.answer()), 200);
  EXPECT_TRUE(a.closed_within(1000ms));
}

TEST_F(MetadataFrontendTest, OversizedHeadersAreRefused) {
  auto a = guest("127.0.0.2");
  a.send("GET / HTTP/1.1\r\nX-Junk: " + std::string(16 * 1024, 'x') + "\r\n\r\n");
  EXPECT_EQ(status_of(a.answer()), 431);
  EXPECT_EQ(service_.requests(), 0);
}

TEST_F(MetadataFrontendTest, GarbageIsA400) {
  auto a = guest("127.0.0.2");
  a.send("\x01\x02 nonsense\r\n\r\n");
  EXPECT_EQ(status_of(a.answer()), 400);
}

TEST_F(MetadataFrontendTest, UnreachableOrSilentControllerIs502Or504InTime) {
  MetadataProxyLimits limits;
  limits.upstream.answer_timeout = 300ms;
  restart(limits);
  service_.set_stall(true);
  auto a = guest("127.0.0.2");
  const auto started = Clock::now();
  a.send(get("/latest/meta-data/instance-id"));
  EXPECT_EQ(status_of(a.answer()), 504);
  EXPECT_LT(Clock::now() - started, 1s);
  service_.set_stall(false);
  a.send(get("/latest/meta-data/instance-id"));
  EXPECT_EQ(status_of(a.answer()), 200);
}

TEST_F(MetadataFrontendTest, GuestsShareKeptConnectionsToTheController) {
  for (const char* source : {"127.0.0.2", "127.0.0.3", "127.0.0.2"}) {
    auto g = guest(source);
    g.send(get("/latest/meta-data/instance-id", false));
    EXPECT_EQ(status_of(g.answer()), 200);
  }
  EXPECT_EQ(service_.connections(), 1);
}

TEST_F(MetadataFrontendTest, ANetworkThatLeavesTakesItsConnections) {
  auto a = guest("127.0.0.2", "net-1");
  auto c = guest("127.0.0.4", "net-2");
  a.send(get("/"));
  c.send(get("/"));
  ASSERT_EQ(status_of(a.answer()), 200);
  ASSERT_EQ(status_of(c.answer()), 200);
  on_io([this] { frontend_->close_network("net-2"); });
  EXPECT_TRUE(c.closed_within(1000ms));
  a.send(get("/"));
  EXPECT_EQ(status_of(a.answer()), 200);
}

}  // namespace
}  // namespace neutrino::agent
