#pragma once
// One connected agent, from TLS handshake (when the channel has a certificate) through
// challenge to disconnect. Lives on the channel server's single I/O thread, so its state needs
// no locks: it is GUARDED_BY that thread's role, and every handler asserts it runs there.
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
#include "controller/store/database.hpp"

namespace neutrino::channel {

// What the compute service does with what agents report (compute contract sections 1 and 4).
// Each is optional; they run on the channel's I/O thread.
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
  std::function<int64_t()> next_revision;
  // An agent asked for DHCP ports on these networks of its host (and none elsewhere).
  std::function<void(const std::string& host, const std::vector<std::string>& networks)> dhcp_ports;
  ComputeHooks compute;
  ConsoleRequests& consoles;
};

class AgentSession : public std::enable_shared_from_this<AgentSession> {
 public:
  AgentSession(std::unique_ptr<ChannelStream> stream, SessionContext& context,
               std::function<void(AgentSession*)> on_closed);

  void start() REQUIRES(io_thread_);
  void close() REQUIRES(io_thread_);
  // Recomputes this host's state and sends the difference, if any.
  void push_changes() REQUIRES(io_thread_);
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
  void handle_console_log(const Json& message) REQUIRES(io_thread_);
  // Remembers the reboot counters a state sent at `revision` carries, to report them applied
  // when the agent acknowledges that revision.
  void track_reboots(int64_t revision, const Json& objects) REQUIRES(io_thread_);
  void send(const Json& message) REQUIRES(io_thread_);
  void write_next() REQUIRES(io_thread_);
  void arm_timers() REQUIRES(io_thread_);
  void schedule_heartbeat() REQUIRES(io_thread_);

  const ThreadRole& io_thread_;
  // Set by the constructor, read-only after.
  const std::unique_ptr<ChannelStream> stream_ PT_GUARDED_BY(io_thread_);
  SessionContext& context_;
  const std::function<void(AgentSession*)> on_closed_;
  std::string peer_;
  std::string peer_certificate_ GUARDED_BY(io_thread_);  // the agent's TLS certificate subject
  std::string nonce_ GUARDED_BY(io_thread_);
  std::string host_ GUARDED_BY(io_thread_);
  std::string agent_id_ GUARDED_BY(io_thread_);
  // What the hello said, to register again if deleted.
  agents::AgentReport report_ GUARDED_BY(io_thread_);
  HostState sent_ GUARDED_BY(io_thread_);
  std::deque<std::pair<int64_t, std::vector<std::pair<std::string, int64_t>>>> sent_reboots_
      GUARDED_BY(io_thread_);
  // Open console requests this session carried.
  std::set<std::string> console_requests_ GUARDED_BY(io_thread_);
  // Until the hello is verified only a hello can come: a few hundred bytes, never megabytes.
  static constexpr size_t kMaxUnauthenticatedFrameBytes = 64 * 1024;
  FrameDecoder decoder_ GUARDED_BY(io_thread_){kMaxUnauthenticatedFrameBytes};
  std::array<char, 16384> read_buffer_ GUARDED_BY(io_thread_){};
  std::deque<std::string> outbox_ GUARDED_BY(io_thread_);
  boost::asio::steady_timer heartbeat_timer_ GUARDED_BY(io_thread_);
  boost::asio::steady_timer liveness_timer_ GUARDED_BY(io_thread_);
  bool handshaken_ GUARDED_BY(io_thread_) = false;
  bool closed_ GUARDED_BY(io_thread_) = false;
};

}  // namespace neutrino::channel
