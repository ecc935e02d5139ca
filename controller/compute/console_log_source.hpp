#pragma once
// Where `console log show` gets a guest's serial console: the agent of the guest's host,
// asked over the push channel (compute contract section 5). An interface so the API can be
// tested without a channel.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace neutrino::compute {

struct ConsoleLog {
  enum class Outcome { kOk, kHostNotConnected, kTimedOut, kAgentError };
  Outcome outcome = Outcome::kOk;
  std::string output;
  std::string error;  // the agent's message for kAgentError
};

class ConsoleLogSource {
 public:
  virtual ~ConsoleLogSource() = default;
  // The last `lines` lines (all when unset) of the instance's console, or why not; waits at
  // most `timeout` for the agent.
  virtual ConsoleLog fetch(const std::string& host, const std::string& instance_id,
                           std::optional<int64_t> lines, std::chrono::milliseconds timeout) = 0;
};

}  // namespace neutrino::compute
