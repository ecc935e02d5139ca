#pragma once
// Which controller the agent talks to next, and how long it waits before trying it.
//
// Every controller of a cloud serves the same database, so none is better than another: the
// agent starts at a random one of the list (a fleet given the same list spreads over the
// controllers instead of piling onto the first), stays with whichever one it reaches for as
// long as that session lasts (no failing back when another returns: that would cost a
// resync and flap under a controller that restarts in a loop), and on a loss moves to the
// next one in the list. Like OVS's jsonrpc sessions with several remotes, a loss first gets
// one prompt try of each other controller (only a short jitter, so the agents of a dead
// controller do not all land on the survivor in the same millisecond); once a whole round
// has failed, exponential backoff with jitter, capped at max_backoff.
#include <chrono>
#include <cstdint>
#include <functional>
#include <vector>

#include "agent/channel/controller_address.hpp"

namespace neutrino::agent {

class ControllerFailover {
 public:
  // Uniform in [low, high], both inclusive: common/random's uniform, or a fixed choice in tests.
  using Uniform = std::function<uint64_t(uint64_t low, uint64_t high)>;

  // `controllers` must not be empty (throws std::invalid_argument).
  ControllerFailover(std::vector<ControllerAddress> controllers,
                     std::chrono::milliseconds min_backoff, std::chrono::milliseconds max_backoff,
                     Uniform uniform);

  const ControllerAddress& current() const { return controllers_[index_]; }
  size_t size() const { return controllers_.size(); }
  // The session with current() is established: the next loss starts a fresh round.
  void connected();
  // The attempt on, or the session with, current() ended: moves on to the next controller and
  // returns how long to wait before trying it.
  std::chrono::milliseconds failed();

 private:
  std::vector<ControllerAddress> controllers_;
  std::chrono::milliseconds min_backoff_;
  std::chrono::milliseconds max_backoff_;
  Uniform uniform_;
  size_t index_ = 0;
  size_t failures_ = 0;  // since the last established session
};

}  // namespace neutrino::agent
