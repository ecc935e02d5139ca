#include "controller/channel/console_requests.hpp"

#include "common/random.hpp"

namespace neutrino::channel {

std::pair<std::string, std::future<ConsoleReply>> ConsoleRequests::open(const std::string& host) {
  std::lock_guard lock(mutex_);
  const std::string id = random::uuid4();
  Pending& entry = pending_[id];
  entry.host = host;
  return {id, entry.promise.get_future()};
}

void ConsoleRequests::deliver(const std::string& host, const std::string& request_id,
                              ConsoleReply reply) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(request_id);
  if (it == pending_.end() || it->second.host != host) {
    return;  // late (timed out), or not this host's to answer
  }
  if (reply.output.size() > kMaxOutput) {
    reply.output.erase(0, reply.output.size() - kMaxOutput);
  }
  it->second.promise.set_value(std::move(reply));
  pending_.erase(it);
}

void ConsoleRequests::cancel(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  pending_.erase(request_id);
}

void ConsoleRequests::fail(const std::string& request_id) {
  std::lock_guard lock(mutex_);
  const auto it = pending_.find(request_id);
  if (it != pending_.end()) {
    it->second.promise.set_value({ConsoleReply::Status::kNotConnected, "", ""});
    pending_.erase(it);
  }
}

size_t ConsoleRequests::pending() const {
  std::lock_guard lock(mutex_);
  return pending_.size();
}

}  // namespace neutrino::channel
