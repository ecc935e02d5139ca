#pragma once
// One connected agent, from TLS handshake (when the channel has a certificate) through
// challenge to disconnect. Lives on the channel server's single I/O thread, so its state needs
// no locks.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "common/channel/channel_stream.hpp"
#include "common/channel/frame_codec.hpp"
#include "common/channel/host_state.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/store/database.hpp"

namespace neutrino::channel {

struct SessionContext {
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

  void start();
  void close();
  // Recomputes this host's state and sends the difference, if any.
  void push_changes();
  bool established() const { return !host_.empty(); }

 private:
  void on_handshake(const boost::system::error_code& ec);
  void read();
  void handle(const Json& message);
  void handle_hello(const Json& message);
  void handle_ack(const Json& message);
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
  std::string agent_id_;
  agents::AgentReport report_;  // what the hello said, to register again if deleted
  HostState sent_;
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
