#pragma once
// Console log requests waiting for their agent's answer (compute contract section 5). The
// HTTP thread opens a request and waits on its future with a deadline; the channel's I/O
// thread delivers the agent's answer. Only the host a request went to can answer it, and a
// session that closes fails the requests it carried at once. Thread-safe.
#include <future>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace neutrino::channel {

struct ConsoleReply {
  enum class Status { kOk, kNotConnected, kTimedOut, kAgentError };
  Status status = Status::kOk;
  std::string output;
  std::string error;
};

class ConsoleRequests {
 public:
  // Agents send at most the last 1 MiB; anything beyond that from a misbehaving one is cut.
  static constexpr size_t kMaxOutput = 1024 * 1024;

  std::pair<std::string, std::future<ConsoleReply>> open(const std::string& host);
  void deliver(const std::string& host, const std::string& request_id, ConsoleReply reply);
  void cancel(const std::string& request_id);
  // Answers a request "not connected" (its session closed).
  void fail(const std::string& request_id);
  size_t pending() const;

 private:
  struct Pending {
    std::string host;
    std::promise<ConsoleReply> promise;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Pending> pending_;
};

}  // namespace neutrino::channel
