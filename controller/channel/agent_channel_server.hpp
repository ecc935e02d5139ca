#pragma once
// The controller's end of the push channel. Agents connect over TCP, prove they hold the agent
// secret by signing a challenge, and say who they are; they then receive a snapshot of their
// host's desired state and, after every change to the store, a delta. Agents acknowledge each
// revision with the ports they have wired (set ACTIVE) and lost (set DOWN), and send
// heartbeats that keep them alive in `openstack network agent list`.
#include <cstdint>
#include <memory>
#include <string>

#include "controller/agents/agent_service.hpp"
#include "controller/store/database.hpp"

namespace neutrino::channel {

struct ChannelServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 9697;  // 0 picks a free port
  std::string secret;    // shared agent secret; empty refuses every agent
  int heartbeat_seconds = 10;
};

class AgentChannelServer {
 public:
  AgentChannelServer(ChannelServerOptions options, store::Database& db,
                     const agents::AgentService& agents);
  ~AgentChannelServer();
  AgentChannelServer(const AgentChannelServer&) = delete;
  AgentChannelServer& operator=(const AgentChannelServer&) = delete;

  void start();  // throws std::runtime_error when the address cannot be bound
  void stop();
  uint16_t port() const;
  // Called after every committed change; recomputation is coalesced and done off the caller's
  // thread, so API requests never wait for agents.
  void notify_change();
  size_t connected_agents() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neutrino::channel
