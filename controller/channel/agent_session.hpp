#pragma once
// One connected agent, from TLS handshake (when the channel has a certificate) through
// challenge to disconnect. Lives on the channel server's single I/O thread, so its state needs
// no locks.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "common/channel/channel_stream.hpp"
#include "common/channel/frame_codec.hpp"
#include "common/channel/host_state.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/channel/console_requests.hpp"
#include "controller/channel/store_worker.hpp"
#include "controller/fanout/journal_follower.hpp"
#include "controller/store/database.hpp"

namespace neutrino::channel {

// What the compute service does with what agents report (compute contract sections 1 and 4).
// Each is optional; they run on the channel's store worker thread (store_worker.hpp), never on
// its I/O thread.
struct ComputeHooks {
  // The hello's "compute" member (null when the agent runs no guests) and its tunnel IP.
  std::function<void(const std::string& host, const Json& compute, const std::string& tunnel_ip)>
      on_hello;
  std::function<void(const std::string& host, const Json& instances)> on_instance_states;
  // The agent acknowledged a state holding these instances' reboot counts.
  std::function<void(const std::string& host,
                     const std::vector<std::pair<std::string, int64_t>>& reboot_counts)>
      on_reboots_applied;
};

struct SessionContext {
  store::Database& db;
  const agents::AgentService& agents;
  std::string secret;
  int heartbeat_seconds;
  // Answers a verified hello with the host's state (journal follower thread).
  std::function<void(const std::string& host, int64_t last_revision,
                     std::function<void(fanout::HostSync)>)>
      sync;
  // Runs a task on the channel's I/O thread.
  std::function<void(std::function<void()>)> post;
  // An agent asked for DHCP ports on these networks of its host (and none elsewhere).
  std::function<void(const std::string& host, const std::vector<std::string>& networks)> dhcp_ports;
  ComputeHooks compute;
  ConsoleRequests& consoles;
  // Where every store write of a session runs: never on the I/O thread.
  StoreWorker& store;
};

class AgentSession : public std::enable_shared_from_this<AgentSession> {
 public:
  AgentSession(std::unique_ptr<ChannelStream> stream, SessionContext& context,
               std::function<void(AgentSession*)> on_closed);

  void start();
  void close();
  // A delta of the journal follower for this host, encoded already; dropped until the
  // agent has its first state, and when that state is newer.
  void deliver(int64_t revision, const std::string& frame, const Json& objects);
  bool established() const { return !host_.empty(); }
  const std::string& host() const { return host_; }
  // Asks the agent for an instance's console (compute contract section 5); the answer goes to
  // the context's ConsoleRequests.
  void request_console(const std::string& request_id, const std::string& instance_id,
                       std::optional<int64_t> lines);

 private:
  void on_handshake(const boost::system::error_code& ec);
  void read();
  void handle(const Json& message);
  void handle_hello(const Json& message);
  void handle_ack(const Json& message);
  // The agent's first state of this session (store worker thread, after registration).
  void send_first_state(int64_t last_revision);
  void handle_console_log(const Json& message);
  // Remembers the reboot counters a state sent at `revision` carries, to report them applied
  // when the agent acknowledges that revision.
  void track_reboots(int64_t revision, const Json& objects);
  void send(const Json& message);
  void write_next();
  void arm_timers();
  void schedule_heartbeat();

  std::unique_ptr<ChannelStream> stream_;
  SessionContext& context_;
  std::function<void(AgentSession*)> on_closed_;
  std::string peer_;
  std::string peer_certificate_;  // subject of the agent's TLS certificate, if it sent one
  std::string nonce_;
  std::string host_;
  // Store worker thread only, after the hello:
  std::string agent_id_;
  agents::AgentReport report_;    // what the hello said, to register again if deleted
  int64_t synced_revision_ = -1;  // revision of the state the agent has; -1 before the first
  std::deque<std::pair<int64_t, std::vector<std::pair<std::string, int64_t>>>> sent_reboots_;
  std::set<std::string> console_requests_;  // open requests this session carried
  // Until the hello is verified only a hello can come: a few hundred bytes, never megabytes.
  static constexpr size_t kMaxUnauthenticatedFrameBytes = 64 * 1024;
  FrameDecoder decoder_{kMaxUnauthenticatedFrameBytes};
  std::array<char, 16384> read_buffer_{};
  std::deque<std::string> outbox_;
  boost::asio::steady_timer heartbeat_timer_;
  boost::asio::steady_timer liveness_timer_;
  bool handshaken_ = false;
  bool closed_ = false;
};

}  // namespace neutrino::channel
