#pragma once
// The compute API's console logs, fetched over the agent channel. Holds at most a few
// requests waiting at once: each one occupies an HTTP worker thread until its agent answers
// or the deadline passes, and a silent agent must not take every worker.
#include <atomic>

#include "controller/channel/agent_channel_server.hpp"
#include "controller/compute/console_log_source.hpp"

namespace neutrino::controller {

class ChannelConsoleSource final : public compute::ConsoleLogSource {
 public:
  explicit ChannelConsoleSource(int max_waiting) : max_waiting_(max_waiting) {}

  // Null (no agent channel, or stopped): every host is then not connected.
  void set_channel(channel::AgentChannelServer* channel) { channel_ = channel; }

  compute::ConsoleLog fetch(const std::string& host, const std::string& instance_id,
                            std::optional<int64_t> lines,
                            std::chrono::milliseconds timeout) override;

 private:
  std::atomic<channel::AgentChannelServer*> channel_{nullptr};
  int max_waiting_;
  std::atomic<int> waiting_{0};
};

}  // namespace neutrino::controller
