#pragma once
// One connected agent, from TLS handshake (when the channel has a certificate) through
// challenge to disconnect. It lives on the channel server's I/O thread, so its state needs no
// locks: what that thread touches is GUARDED_BY its role, and every handler asserts it runs
// there. Store writes run on the store worker's thread (store_worker.hpp), which alone owns
// the agent's registration (agent_id_, report_); its state comes from the journal follower's
// thread (journal_follower.hpp), which only sees what the session hands it by value.
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
#include "common/thread_role.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/channel/console_requests.hpp"
#include "controller/channel/reboot_counts.hpp"
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
  const ThreadRole& io_thread;  // the channel server's I/O thread, where sessions live
  store::Database& db;
  const agents::AgentService& agents;
  std::string secret;
  int heartbeat_seconds;
  size_t max_backlog_bytes;  // queued for the agent and not written yet
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

  void start() REQUIRES(io_thread_);
  void close() REQUIRES(io_thread_);
  // A delta of the journal follower for this host, encoded already; dropped until the
  // agent has its first state, and when that state is newer.
  void deliver(int64_t revision, const std::string& frame, const RebootCounts& reboots)
      REQUIRES(io_thread_);
  bool established() const REQUIRES(io_thread_) { return !host_.empty(); }
  const std::string& host() const REQUIRES(io_thread_) { return host_; }
  // The role its members are guarded by: the server's I/O thread.
  const ThreadRole& io_thread() const RETURN_CAPABILITY(io_thread_) { return io_thread_; }
  // Asks the agent for an instance's console (compute contract section 5); the answer goes to
  // the context's ConsoleRequests.
  void request_console(const std::string& request_id, const std::string& instance_id,
                       std::optional<int64_t> lines) REQUIRES(io_thread_);

 private:
  void on_handshake(const boost::system::error_code& ec) REQUIRES(io_thread_);
  void read() REQUIRES(io_thread_);
  void handle(const Json& message) REQUIRES(io_thread_);
  void handle_hello(const Json& message) REQUIRES(io_thread_);
  void handle_ack(const Json& message) REQUIRES(io_thread_);
  // Registers the agent, then asks the follower for its first state of this session.
  void register_agent(const agents::AgentReport& report, const Json& hello) REQUIRES(store_thread_);
  void send_first_state(int64_t last_revision) REQUIRES(store_thread_);
  // The follower's answer, encoded, queued on the I/O thread.
  void queue_first_state(int64_t revision, std::string frame, RebootCounts reboots)
      REQUIRES(io_thread_);
  void handle_console_log(const Json& message) REQUIRES(io_thread_);
  // Remembers the reboot counters a state sent at `revision` carries, to report them applied
  // when the agent acknowledges that revision.
  void track_reboots(int64_t revision, RebootCounts reboots) REQUIRES(io_thread_);
  void send(const Json& message) REQUIRES(io_thread_);
  // Queues a frame; closes the session instead when the agent leaves too much unread.
  void queue(std::string frame) REQUIRES(io_thread_);
  void write_next() REQUIRES(io_thread_);
  void arm_timers() REQUIRES(io_thread_);
  void schedule_heartbeat() REQUIRES(io_thread_);

  const ThreadRole& io_thread_;
  const ThreadRole& store_thread_;
  // Set by the constructor, read-only after.
  const std::unique_ptr<ChannelStream> stream_ PT_GUARDED_BY(io_thread_);
  SessionContext& context_;
  const std::function<void(AgentSession*)> on_closed_;
  std::string peer_;
  std::string peer_certificate_ GUARDED_BY(io_thread_);  // the agent's TLS certificate subject
  std::string nonce_ GUARDED_BY(io_thread_);
  // Set once by the hello; tasks for the other threads get a copy.
  std::string host_ GUARDED_BY(io_thread_);
  // This session's mark in the agents table, cleared when it closes.
  std::string channel_session_ GUARDED_BY(io_thread_);
  std::string agent_id_ GUARDED_BY(store_thread_);
  // What the hello said, to register again if deleted.
  agents::AgentReport report_ GUARDED_BY(store_thread_);
  // Revision of the state the agent has; -1 before the first.
  int64_t synced_revision_ GUARDED_BY(io_thread_) = -1;
  std::deque<std::pair<int64_t, RebootCounts>> sent_reboots_ GUARDED_BY(io_thread_);
  // Open console requests this session carried.
  std::set<std::string> console_requests_ GUARDED_BY(io_thread_);
  // Until the hello is verified only a hello can come: a few hundred bytes, never megabytes.
  static constexpr size_t kMaxUnauthenticatedFrameBytes = 64 * 1024;
  FrameDecoder decoder_ GUARDED_BY(io_thread_){kMaxUnauthenticatedFrameBytes};
  std::array<char, 16384> read_buffer_ GUARDED_BY(io_thread_){};
  std::deque<std::string> outbox_ GUARDED_BY(io_thread_);
  size_t outbox_bytes_ GUARDED_BY(io_thread_) = 0;
  boost::asio::steady_timer heartbeat_timer_ GUARDED_BY(io_thread_);
  boost::asio::steady_timer liveness_timer_ GUARDED_BY(io_thread_);
  bool handshaken_ GUARDED_BY(io_thread_) = false;
  bool closed_ GUARDED_BY(io_thread_) = false;
};

}  // namespace neutrino::channel
