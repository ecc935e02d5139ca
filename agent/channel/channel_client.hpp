#pragma once
// The agent's end of the push channel: keeps one session with one controller of a list (over
// TLS, verifying its certificate, when given the controllers' CA), answers its challenge with
// the shared secret, announces the host, and keeps the host's desired state up to date from
// the snapshot and deltas that follow. A session ends when the controller closes it, refuses
// the agent, or says nothing for three heartbeats; the client then moves on to the next
// controller (ControllerFailover says when), says which revision it last applied, and the
// state it holds meanwhile stays as it was: losing a controller never empties it.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "agent/channel/controller_address.hpp"
#include "agent/channel/controller_failover.hpp"
#include "common/channel/channel_tls.hpp"
#include "common/channel/host_state.hpp"
#include "common/json.hpp"

namespace neutrino::agent {

struct ChannelClientOptions {
  // Every controller of the cloud; the client talks to one at a time.
  std::vector<ControllerAddress> controllers = {{"127.0.0.1", 9697}};
  std::string secret;
  // ca_file set: TLS, and the controller's certificate must chain to it and name the host
  // the client connects to. cert_file + key_file as well: present them (for mutual TLS).
  channel::TlsFiles tls;
  // Who this agent is: "host" is required; "tunnel_ip", "bridge_mappings", "datapath_type",
  // "integration_bridge", "version" are passed through to the agents table.
  Json identity = Json::object();
  // Called on the io thread before each hello is sent, to add members that may change
  // between connections (the compute capacity). Must not block.
  std::function<void(Json& hello)> decorate_hello;
  std::chrono::milliseconds min_backoff{200};
  std::chrono::milliseconds max_backoff{5000};
  // From the start of a connection until the snapshot: a controller that accepts but does not
  // answer (hung, or a relay in front of a dead one) is given up after this.
  std::chrono::milliseconds connect_timeout{10000};
  // Which controller first, and the jitter of the waits; null: common/random's uniform.
  ControllerFailover::Uniform uniform;
};

struct ChannelCallbacks {
  // What changed in the desired state, as a delta ({"set": {key: object}, "remove": [key]}; a
  // snapshot arrives as one setting all its objects and removing the keys it no longer has),
  // and the revision the state is at after it.
  std::function<void(const Json& delta, int64_t revision)> on_state;
  // A session is established with `controller` (the snapshot follows at once).
  std::function<void(const ControllerAddress& controller)> on_connected;
  std::function<void(const std::string& reason)> on_disconnected;
  // Any other message from the controller (e.g. "console_log_request"), on the io thread.
  std::function<void(const Json& message)> on_message;
};

class ChannelClient {
 public:
  // Throws std::runtime_error when the TLS files cannot be loaded.
  ChannelClient(boost::asio::io_context& io, ChannelClientOptions options,
                ChannelCallbacks callbacks);
  ~ChannelClient();

  void start();
  // Disconnects and stops retrying; takes effect on the io_context's thread.
  void stop();
  // Reports what the agent applied for `revision`: ports wired (ACTIVE) and gone (DOWN).
  // Thread-safe: posts to the client's io_context.
  // Asks for a DHCP port on each of `networks` on this host (and none elsewhere). Dropped
  // when not connected: the caller repeats it after a reconnect.
  void request_dhcp_ports(std::vector<std::string> networks);
  void acknowledge(int64_t revision, std::vector<std::string> ports_up,
                   std::vector<std::string> ports_down);
  int64_t last_applied_revision() const;
  // Sends `message` if the channel is established (dropped otherwise: callers repeat what
  // matters after on_connected). Thread-safe: posts to the client's io_context.
  void send(Json message);

 private:
  class Impl;
  boost::asio::io_context& io_;
  std::shared_ptr<Impl> impl_;
};

}  // namespace neutrino::agent
