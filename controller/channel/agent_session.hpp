#pragma once
// One connected agent, from TLS handshake (when the channel has a certificate) through
// challenge to disconnect. Lives on the channel server's single I/O thread, so its state needs
// no locks: it is GUARDED_BY that thread's role, and every handler asserts it runs there.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "common/channel/channel_stream.hpp"
#include "common/channel/frame_codec.hpp"
#include "common/channel/host_state.hpp"
#include "common/thread_role.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/store/database.hpp"

namespace neutrino::channel {

struct SessionContext {
  const ThreadRole& io_thread;  // the channel server's I/O thread, where sessions live
  store::Database& db;
  const agents::AgentService& agents;
  std::string secret;
  int heartbeat_seconds;
  std::function<int64_t()> next_revision;
  // An agent asked for DHCP ports on these networks of its host (and none elsewhere).
  std::function<void(const std::string& host, const std::vector<std::string>& networks)> dhcp_ports;
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
  // The role its members are guarded by: the server's I/O thread.
  const ThreadRole& io_thread() const RETURN_CAPABILITY(io_thread_) { return io_thread_; }

 private:
  void on_handshake(const boost::system::error_code& ec) REQUIRES(io_thread_);
  void read() REQUIRES(io_thread_);
  void handle(const Json& message) REQUIRES(io_thread_);
  void handle_hello(const Json& message) REQUIRES(io_thread_);
  void handle_ack(const Json& message) REQUIRES(io_thread_);
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
  FrameDecoder decoder_ GUARDED_BY(io_thread_);
  std::array<char, 16384> read_buffer_ GUARDED_BY(io_thread_){};
  std::deque<std::string> outbox_ GUARDED_BY(io_thread_);
  boost::asio::steady_timer heartbeat_timer_ GUARDED_BY(io_thread_);
  boost::asio::steady_timer liveness_timer_ GUARDED_BY(io_thread_);
  bool handshaken_ GUARDED_BY(io_thread_) = false;
  bool closed_ GUARDED_BY(io_thread_) = false;
};

}  // namespace neutrino::channel
