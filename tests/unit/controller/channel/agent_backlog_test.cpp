// An authenticated agent that stops reading, while its heartbeats keep it alive, must not make
// the controller hold every delta for it: past --agent-max-backlog unread bytes its session is
// closed (a real agent reconnects and resyncs from its revision).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <thread>

#include "common/channel/frame_codec.hpp"
#include "common/channel/hmac_signer.hpp"
#include "tests/unit/controller/channel/test_controller.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;

// A hand-driven agent on a blocking socket with a small receive buffer, so what it leaves
// unread piles up in the controller rather than in the kernel.
class StalledAgent {
 public:
  explicit StalledAgent(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    const int small = 4096;
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~StalledAgent() { ::close(fd_); }
  StalledAgent(const StalledAgent&) = delete;
  StalledAgent& operator=(const StalledAgent&) = delete;

  // Challenge, signed hello, first state.
  bool handshake(const std::string& host, const std::string& secret) {
    const auto challenge = next(2s);
    if (!connected_ || !challenge) {
      return false;
    }
    send({{"type", "hello"},
          {"host", host},
          {"tunnel_ip", "192.0.2.1"},
          {"signature",
           channel::HmacSigner(secret).sign(challenge->value("nonce", "") + "|" + host)}});
    const auto state = next(5s);
    return state && state->value("type", "") == "snapshot";
  }
  void heartbeat() { send({{"type", "heartbeat"}}); }
  // Keeps sending heartbeats, reading nothing, until one fails: the controller has closed
  // the connection (its kernel answers data for a closed socket with a reset).
  bool closed_within(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (!send({{"type", "heartbeat"}})) {
        return true;
      }
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

 private:
  bool send(const Json& message) {
    const std::string frame = channel::encode_frame(message);
    return ::send(fd_, frame.data(), frame.size(), MSG_NOSIGNAL | MSG_DONTWAIT) ==
           static_cast<ssize_t>(frame.size());
  }
  std::optional<Json> next(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (auto message = decoder_.next()) {
        return message;
      }
      pollfd waiting{fd_, POLLIN, 0};
      if (::poll(&waiting, 1, 100) > 0) {
        char buffer[4096];
        const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
        if (n <= 0) {
          return std::nullopt;
        }
        decoder_.feed(std::string_view(buffer, static_cast<size_t>(n)));
      }
    }
    return std::nullopt;
  }

  int fd_;
  bool connected_ = false;
  channel::FrameDecoder decoder_;
};

TEST(AgentBacklogTest, AnAgentThatStopsReadingIsDisconnected) {
  testing::TestController controller(
      [](controller::ControllerConfig& c) { c.agent_max_backlog = 256 * 1024; });
  StalledAgent agent(controller.agent_port());
  ASSERT_TRUE(agent.handshake("host-a", testing::TestController::kSecret));
  // A port of host-a in a group whose every new rule resends the whole group to host-a: 500
  // rules send about 20 MB, more than the limit and the kernel's socket buffers together.
  const Json group = controller.api("POST", "/v2.0/security-groups",
                                    {{"security_group", {{"name", "big"}}}})["security_group"];
  const std::string id = group["id"];
  controller.api("PUT", "/v2.0/quotas/" + group["project_id"].get<std::string>(),
                 {{"quota", {{"security_group_rule", -1}}}});
  const std::string net =
      controller.api("POST", "/v2.0/networks", {{"network", {{"name", "n"}}}})["network"]["id"];
  controller.api(
      "POST", "/v2.0/ports",
      {{"port", {{"network_id", net}, {"binding:host_id", "host-a"}, {"security_groups", {id}}}}});
  auto last_heartbeat = std::chrono::steady_clock::now();
  for (int i = 0; i < 500; ++i) {
    controller.api("POST", "/v2.0/security-group-rules",
                   {{"security_group_rule",
                     {{"security_group_id", id},
                      {"direction", "ingress"},
                      {"protocol", "tcp"},
                      {"port_range_min", 1000 + i},
                      {"port_range_max", 1000 + i},
                      {"description", std::string(255, 'x')}}}});
    if (std::chrono::steady_clock::now() - last_heartbeat > 300ms) {
      agent.heartbeat();  // alive all along: only the backlog can end the session
      last_heartbeat = std::chrono::steady_clock::now();
    }
  }
  // However slowly the fan-out follows (the sanitizer builds), it ends the session once it
  // has queued more than the limit; reading nothing keeps the backlog from shrinking.
  EXPECT_TRUE(agent.closed_within(30s));
}

}  // namespace
}  // namespace neutrino
