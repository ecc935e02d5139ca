// An agent given several controllers (--controller a:9697,b:9697) keeps one session and, when
// it ends (closed, refused, silent), moves on to the next without touching the state it holds.
// Real controllers and a real ChannelClient on loopback, plus a scripted peer for controllers
// that misbehave in ways a real one cannot be made to.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "common/channel/frame_codec.hpp"
#include "tests/unit/controller/channel/test_agent.hpp"
#include "tests/unit/controller/channel/test_controller.hpp"

namespace neutrino {
namespace {

using namespace std::chrono_literals;
using testing::TestAgent;
using testing::TestController;

// A loopback listener that accepts connections and then either says nothing at all or plays a
// controller up to the snapshot (heartbeat 1 s) and then falls silent, never closing.
class MuteController {
 public:
  enum class Mode { kSilent, kSilentAfterSnapshot };

  explicit MuteController(Mode mode) : mode_(mode) {
    listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
        ::listen(listener_, 8) != 0 ||
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      throw std::runtime_error("cannot listen on loopback");
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~MuteController() {
    ::shutdown(listener_, SHUT_RDWR);  // wakes accept()
    thread_.join();
    ::close(listener_);
    for (int fd : accepted_) {
      ::close(fd);
    }
  }

  uint16_t port() const { return port_; }
  int connections() const { return connections_.load(); }

 private:
  void serve() {
    for (;;) {
      const int fd = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
      if (fd < 0) {
        return;
      }
      accepted_.push_back(fd);
      ++connections_;
      if (mode_ == Mode::kSilentAfterSnapshot) {
        write_frame(fd, {{"type", "challenge"}, {"nonce", "n"}});
        char hello[4096];
        if (::recv(fd, hello, sizeof(hello), 0) <= 0) {
          continue;
        }
        write_frame(fd, {{"type", "snapshot"},
                         {"revision", 7},
                         {"heartbeat_seconds", 1},
                         {"state", {{"network:n1", {{"id", "n1"}}}}}});
      }
    }
  }
  static void write_frame(int fd, const Json& message) {
    const std::string frame = channel::encode_frame(message);
    if (::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL) !=
        static_cast<ssize_t>(frame.size())) {
      ADD_FAILURE() << "short write to the agent";
    }
  }

  const Mode mode_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::vector<int> accepted_;  // kept open: the agent must notice silence, not a close
  std::atomic<int> connections_{0};
  std::thread thread_;
};

// Options for an agent of `controllers`, starting at the first listed (tests only: the real
// agent starts at a random one) with short waits.
agent::ChannelClientOptions agent_of(std::vector<uint16_t> ports, const std::string& host) {
  auto options = TestAgent::options(ports.front(), host, TestController::kSecret, "192.0.2.9");
  options.controllers.clear();
  for (uint16_t port : ports) {
    options.controllers.push_back({"127.0.0.1", port});
  }
  options.uniform = [](uint64_t low, uint64_t) { return low; };
  options.min_backoff = 50ms;
  options.max_backoff = 500ms;
  return options;
}

std::string at(uint16_t port) {
  return "127.0.0.1:" + std::to_string(port);
}

TEST(AgentFailoverTest, ALostControllerIsReplacedByTheNextAndTheStateIsKeptMeanwhile) {
  auto a = std::make_unique<TestController>();
  TestController b;
  const uint16_t port_a = a->agent_port();
  TestAgent agent(agent_of({port_a, b.agent_port()}, "failover-host"));
  ASSERT_TRUE(agent.wait_connected_to(at(port_a), 5s));
  ASSERT_EQ(a->agents().size(), 1u);

  const auto lost_at = std::chrono::steady_clock::now();
  a.reset();  // the controller goes away: its sessions close
  ASSERT_TRUE(agent.wait_connected_to(at(b.agent_port()), 5s))
      << ::testing::PrintToString(agent.events());
  const auto took = std::chrono::steady_clock::now() - lost_at;
  std::printf(
      "reconnected to the other controller in %lld ms\n",
      static_cast<long long>(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()));
  EXPECT_LT(took, 3s);  // a prompt try: at most min_backoff of jitter, on a loaded machine
  // The first controller's state satisfies wait_for already: wait for a state after the loss.
  ASSERT_TRUE(agent.wait_events(
      [](const std::vector<std::string>& events) {
        const auto last_lost = std::find_if(events.rbegin(), events.rend(),
                                            [](const auto& e) { return e.rfind("lost ", 0) == 0; });
        return std::any_of(events.rbegin(), last_lost,
                           [](const auto& e) { return e.rfind("state ", 0) == 0; });
      },
      5s))
      << ::testing::PrintToString(agent.events());
  const auto events = agent.events();
  // Nothing reached the agent between the loss and the new session: it kept serving what it
  // had, and the new controller's snapshot is the next state it sees.
  const auto lost = std::find_if(events.begin(), events.end(),
                                 [](const std::string& e) { return e.rfind("lost ", 0) == 0; });
  ASSERT_NE(lost, events.end()) << ::testing::PrintToString(events);
  ASSERT_LT(lost + 2, events.end()) << ::testing::PrintToString(events);
  EXPECT_EQ(*(lost + 1), "connected " + at(b.agent_port()));
  EXPECT_EQ((lost + 2)->rfind("state ", 0), 0u);
  const Json agents = b.agents();
  ASSERT_EQ(agents.size(), 1u);
  EXPECT_EQ(agents[0]["host"], "failover-host");
  EXPECT_EQ(agents[0]["alive"], true);
}

TEST(AgentFailoverTest, TheAgentStaysWhereItIsWhenTheEarlierControllerReturns) {
  auto a = std::make_unique<TestController>();
  TestController b;
  const uint16_t port_a = a->agent_port();
  TestAgent agent(agent_of({port_a, b.agent_port()}, "sticky-host"));
  ASSERT_TRUE(agent.wait_connected_to(at(port_a), 5s));
  a.reset();
  ASSERT_TRUE(agent.wait_connected_to(at(b.agent_port()), 5s));
  // A controller on a's port again: nothing makes the agent leave b.
  auto back = std::make_unique<TestController>(
      [&](controller::ControllerConfig& config) { config.agent_listen_port = port_a; });
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(back->agents().empty());
  const auto events = agent.events();
  EXPECT_EQ(std::count(events.begin(), events.end(), "connected " + at(port_a)), 1);
}

TEST(AgentFailoverTest, AControllerThatRefusesTheAgentIsPassedOver) {
  TestController wrong_secret(
      [](controller::ControllerConfig& config) { config.agent_secret = "another-secret"; });
  TestController good;
  TestAgent agent(agent_of({wrong_secret.agent_port(), good.agent_port()}, "refused-host"));
  EXPECT_TRUE(agent.wait_connected_to(at(good.agent_port()), 5s))
      << ::testing::PrintToString(agent.events());
  EXPECT_TRUE(wrong_secret.agents().empty());
}

TEST(AgentFailoverTest, AControllerThatNeverAnswersIsGivenUpAfterTheConnectTimeout) {
  MuteController mute(MuteController::Mode::kSilent);
  TestController good;
  auto options = agent_of({mute.port(), good.agent_port()}, "patient-host");
  options.connect_timeout = 300ms;
  const auto started = std::chrono::steady_clock::now();
  TestAgent agent(options);
  ASSERT_TRUE(agent.wait_connected_to(at(good.agent_port()), 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 300ms);
  EXPECT_EQ(mute.connections(), 1);
}

TEST(AgentFailoverTest, AControllerThatFallsSilentIsLostAfterThreeHeartbeats) {
  MuteController mute(MuteController::Mode::kSilentAfterSnapshot);
  TestController good;
  TestAgent agent(agent_of({mute.port(), good.agent_port()}, "heartbeat-host"));
  ASSERT_TRUE(agent.wait_connected_to(at(mute.port()), 5s));
  const auto established = std::chrono::steady_clock::now();
  ASSERT_TRUE(agent.wait_connected_to(at(good.agent_port()), 10s))
      << ::testing::PrintToString(agent.events());
  const auto silent_for = std::chrono::steady_clock::now() - established;
  EXPECT_GE(silent_for, 2900ms);  // three heartbeats of 1 s
  const auto events = agent.events();
  EXPECT_NE(
      std::find_if(events.begin(), events.end(),
                   [](const std::string& e) { return e.rfind("lost heartbeat timeout", 0) == 0; }),
      events.end())
      << ::testing::PrintToString(events);
}

}  // namespace
}  // namespace neutrino
