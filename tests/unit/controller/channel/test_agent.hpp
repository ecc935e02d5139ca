#pragma once
// Test helper: one simulated agent, a real ChannelClient with its own io thread, remembering the
// last state the controller pushed.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "agent/channel/channel_client.hpp"

namespace neutrino::testing {

class TestAgent {
 public:
  // Options for an agent on loopback; adjust them (TLS, controller host) before construction.
  static agent::ChannelClientOptions options(uint16_t port, const std::string& host,
                                             const std::string& secret,
                                             const std::string& tunnel_ip);

  explicit TestAgent(agent::ChannelClientOptions options);
  TestAgent(uint16_t port, const std::string& host, const std::string& secret,
            const std::string& tunnel_ip)
      : TestAgent(options(port, host, secret, tunnel_ip)) {}
  ~TestAgent();
  TestAgent(const TestAgent&) = delete;
  TestAgent& operator=(const TestAgent&) = delete;

  // Waits until the pushed state satisfies `ready`.
  bool wait_for(const std::function<bool(const channel::HostState&)>& ready,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Whether a snapshot arrives within `timeout`: false is how a refused agent shows.
  bool connected_within(std::chrono::milliseconds timeout);
  void ack(std::vector<std::string> up);
  // What the client reported, in order: "connected HOST:PORT", "state <keys>", "lost <reason>".
  std::vector<std::string> events();
  // Waits until the events reported so far satisfy `ready`.
  bool wait_events(const std::function<bool(const std::vector<std::string>&)>& ready,
                   std::chrono::milliseconds timeout);
  // Waits until the client has connected to `controller` (HOST:PORT) `times` times in all.
  bool wait_connected_to(const std::string& controller, std::chrono::milliseconds timeout,
                         int times = 1);

 private:
  boost::asio::io_context io_;
  std::unique_ptr<agent::ChannelClient> client_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable changed_;
  channel::HostState state_;
  int64_t revision_ = 0;
  std::vector<std::string> events_;
};

}  // namespace neutrino::testing
