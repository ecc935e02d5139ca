#pragma once
// N agents in one process, each a real channel connection speaking the agent's protocol:
// challenge -> signed hello -> snapshot or delta -> acks and heartbeats. Each keeps its host's
// state by applying what it receives, as neutrino-agent does, and counts what arrived, so the
// benchmark can wait until every interested agent holds a change and say what it cost.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/channel/host_state.hpp"

namespace neutrino::bench {

struct AgentCounters {
  int64_t deltas = 0;     // snapshot and delta frames received
  int64_t bytes = 0;      // received on the wire, every frame
  int64_t revision = 0;   // last applied
  int64_t malformed = 0;  // checked objects their type's codec does not reproduce exactly
};

class SimulatedAgents {
 public:
  // Connects `count` agents named <prefix><i> with tunnel IPs 10.<i/250>.<i%250>.1. Every
  // `check_every`-th agent checks each object it receives against its type's codec: all of
  // them would make the agents' one thread, not the controller, what a large run measures.
  SimulatedAgents(uint16_t port, std::string secret, std::string prefix, int count,
                  int check_every = 1);
  ~SimulatedAgents();
  SimulatedAgents(const SimulatedAgents&) = delete;
  SimulatedAgents& operator=(const SimulatedAgents&) = delete;

  std::string host(int i) const;
  int size() const;
  // Runs `action` (the change), then waits until `done(state)` holds for every agent in
  // `which`; returns, per agent, the seconds from just before `action` until its state first
  // held (negative: timed out).
  // `action` returns a token `done` also gets (e.g. the id of what it created).
  using Done = std::function<bool(const channel::HostState&, const std::string& token)>;
  std::vector<double> measure(const std::vector<int>& which, const Done& done,
                              const std::function<std::string()>& action,
                              std::chrono::seconds timeout);
  std::vector<AgentCounters> counters();
  // Drops agent i's connection and connects it again, claiming the revision it applied
  // (keep_state) or none (a snapshot). Returns the seconds until it held its whole state again:
  // the first snapshot or delta on the new connection (negative: timed out).
  double reconnect(int i, bool keep_state, std::chrono::seconds timeout);
  bool all_connected();

 private:
  class Agent;
  void run();

  uint16_t port_;
  std::string secret_;
  std::string prefix_;
  int check_every_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::shared_ptr<Agent>> agents_;
  struct Io;
  std::unique_ptr<Io> io_;
  std::thread thread_;
};

}  // namespace neutrino::bench
