#pragma once
// Test helper: a scripted agent speaking the push channel's wire protocol directly (frames,
// challenge, hello with compute capacity), so tests can send what the real agent's compute
// driver sends (instance_state, console_log) and watch what the controller pushes.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <boost/asio.hpp>

#include "common/channel/frame_codec.hpp"
#include "common/channel/host_state.hpp"
#include "common/json.hpp"

namespace neutrino::testing {

class ComputeTestAgent {
 public:
  // `compute` goes into the hello as is (null: an agent without compute).
  ComputeTestAgent(uint16_t port, const std::string& host, const std::string& secret,
                   const Json& compute);
  ~ComputeTestAgent();
  ComputeTestAgent(const ComputeTestAgent&) = delete;
  ComputeTestAgent& operator=(const ComputeTestAgent&) = delete;

  void send(const Json& message);
  // Waits until the pushed state satisfies `ready`.
  bool wait_for(const std::function<bool(const channel::HostState&)>& ready,
                std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // Acknowledges the latest revision received.
  void ack();
  // How console log requests are answered: the reply's "output"/"error" members, or nothing
  // (null) to stay silent.
  void on_console(std::function<Json(const Json& request)> answer);

 private:
  void read_loop();
  void handle(const Json& message);

  boost::asio::io_context io_;
  boost::asio::ip::tcp::socket socket_{io_};
  std::string host_;
  std::string secret_;
  Json compute_;
  std::thread reader_;
  std::mutex write_mutex_;
  std::mutex mutex_;
  std::condition_variable changed_;
  channel::HostState state_;
  int64_t revision_ = 0;
  std::function<Json(const Json&)> console_;
};

}  // namespace neutrino::testing
