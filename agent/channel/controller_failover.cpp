#include "agent/channel/controller_failover.hpp"

#include <algorithm>
#include <stdexcept>

namespace neutrino::agent {

ControllerFailover::ControllerFailover(std::vector<ControllerAddress> controllers,
                                       std::chrono::milliseconds min_backoff,
                                       std::chrono::milliseconds max_backoff, Uniform uniform)
    : controllers_(std::move(controllers)),
      min_backoff_(std::max(min_backoff, std::chrono::milliseconds(1))),
      max_backoff_(std::max(max_backoff, min_backoff_)),
      uniform_(std::move(uniform)) {
  if (controllers_.empty()) {
    throw std::invalid_argument("the agent needs at least one controller");
  }
  index_ = static_cast<size_t>(uniform_(0, controllers_.size() - 1)) % controllers_.size();
}

void ControllerFailover::connected() {
  failures_ = 0;
}

std::chrono::milliseconds ControllerFailover::failed() {
  ++failures_;
  index_ = (index_ + 1) % controllers_.size();
  const auto min = static_cast<uint64_t>(min_backoff_.count());
  if (failures_ < controllers_.size()) {
    return std::chrono::milliseconds(uniform_(0, min));  // another controller, promptly
  }
  // Whole rounds failed: double per attempt from min_backoff, capped; "equal jitter" keeps at
  // least half of it so a fleet never hammers a controller that refuses everyone.
  const size_t doublings = std::min<size_t>(failures_ - controllers_.size(), 20);
  const uint64_t backoff = std::min(min << doublings, static_cast<uint64_t>(max_backoff_.count()));
  return std::chrono::milliseconds(uniform_(backoff / 2, backoff));
}

}  // namespace neutrino::agent
