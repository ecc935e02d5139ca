#include "controller/app/channel_console_source.hpp"

namespace neutrino::controller {

compute::ConsoleLog ChannelConsoleSource::fetch(const std::string& host,
                                                const std::string& instance_id,
                                                std::optional<int64_t> lines,
                                                std::chrono::milliseconds timeout) {
  using Outcome = compute::ConsoleLog::Outcome;
  channel::AgentChannelServer* channel = channel_;
  if (channel == nullptr) {
    return {Outcome::kHostNotConnected, "", ""};
  }
  if (waiting_.fetch_add(1) >= max_waiting_) {
    waiting_.fetch_sub(1);
    return {Outcome::kTimedOut, "", "too many console requests are waiting"};
  }
  const channel::ConsoleReply reply = channel->console_log(host, instance_id, lines, timeout);
  waiting_.fetch_sub(1);
  switch (reply.status) {
    case channel::ConsoleReply::Status::kOk:
      return {Outcome::kOk, reply.output, ""};
    case channel::ConsoleReply::Status::kAgentError:
      return {Outcome::kAgentError, "", reply.error};
    case channel::ConsoleReply::Status::kNotConnected:
      return {Outcome::kHostNotConnected, "", ""};
    default:
      return {Outcome::kTimedOut, "", ""};
  }
}

}  // namespace neutrino::controller
