#pragma once
// The controller's end of the push channel. Agents connect over TCP (over TLS only, when a
// certificate is configured), prove they hold the agent secret by signing a challenge, and say
// who they are; they then receive a snapshot of their host's desired state and, after every
// change to the store, a delta. Agents acknowledge each revision with the ports they have
// wired (set ACTIVE) and lost (set DOWN), and send heartbeats that keep them alive in
// `openstack network agent list`.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/channel/channel_tls.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/channel/agent_session.hpp"
#include "controller/channel/console_requests.hpp"
#include "controller/store/database.hpp"

namespace neutrino::channel {

struct ChannelServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 9697;  // 0 picks a free port
  std::string secret;    // shared agent secret; empty refuses every agent
  int heartbeat_seconds = 10;
  // What an agent may leave unread: past it, its session is closed rather than the controller
  // holding every delta for an agent that stopped reading (it resyncs when it reconnects).
  size_t max_backlog_bytes = 256 * 1024 * 1024;
  // cert_file + key_file: TLS only, plain clients fail the handshake. ca_file as well: agents
  // must present a certificate issued by it (mutual TLS).
  TlsFiles tls;
  // Creates and deletes the host's network:dhcp ports when its agent asks.
  std::function<void(const std::string& host, const std::vector<std::string>& networks)>
      on_dhcp_ports;
  // Fan-out by recomputing every host's whole state after each change (for comparison).
  bool full_recompute = false;
  // What the compute service does with agents' compute reports.
  ComputeHooks compute;
};

class AgentChannelServer {
 public:
  AgentChannelServer(ChannelServerOptions options, store::Database& db,
                     const agents::AgentService& agents);
  ~AgentChannelServer();
  AgentChannelServer(const AgentChannelServer&) = delete;
  AgentChannelServer& operator=(const AgentChannelServer&) = delete;

  // Throws std::runtime_error when the TLS files cannot be loaded or the address bound.
  void start();
  void stop();
  uint16_t port() const;
  // The journal may have grown (every commit of the store says so already). Fan-out runs on
  // the journal follower's thread, so API requests never wait for agents.
  void notify_change();
  // Hosts whose incrementally kept state differs from a full recompute from SQL: the
  // consistency check (GET /debug/fanout-consistency, tests). Blocks the calling thread.
  std::vector<std::string> diverging_hosts();
  // The journal seq fan-out has reached.
  int64_t revision() const;
  size_t connected_agents() const;
  bool tls() const;
  // Asks the agent of `host` for an instance's console log and waits for the answer at most
  // `timeout` (compute contract section 5). Blocks the calling thread, never the channel's.
  ConsoleReply console_log(const std::string& host, const std::string& instance_id,
                           std::optional<int64_t> lines, std::chrono::milliseconds timeout);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace neutrino::channel
