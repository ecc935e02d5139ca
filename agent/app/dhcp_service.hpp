#pragma once
// Serves DHCP in every qdhcp namespace of this host from the agent's one event loop. In each
// namespace a packet socket on the DHCP device reads what clients send to UDP port 67 (a
// kernel filter passes nothing else), with the Ethernet source each frame came from, so the
// server can charge every datagram to the port that sent it (anti-spoofing ties a port to its
// MAC) before parsing it: a guest that floods spends its own budget only. Replies leave
// through a UDP socket bound to port 67 on the device. No process per network: a network
// costs two sockets and one small server object.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <map>
#include <memory>
#include <span>
#include <string>

#include "agent/app/dhcp_namespaces.hpp"
#include "common/channel/host_state.hpp"
#include "common/monotonic_clock.hpp"
#include "common/rate_limited_log.hpp"
#include "common/token_bucket.hpp"
#include "dhcp/dhcp_counters.hpp"
#include "dhcp/dhcp_server_config.hpp"
#include "dhcp/mac_address.hpp"

namespace neutrino::agent {

class DhcpService {
 public:
  // `per_port`: what each port may send (DhcpRateLimits::per_port; the default unless a
  // benchmark raises it).
  explicit DhcpService(boost::asio::io_context& io,
                       const MonotonicClock& clock = MonotonicClock::system(),
                       RateLimit per_port = dhcp::DhcpRateLimits{}.per_port);
  ~DhcpService();

  // Opens sockets for new endpoints, closes those of endpoints gone, and reconfigures every
  // server from the state. Any thread but the io_context's; the work happens there.
  void update(const std::map<std::string, DhcpEndpoint>& endpoints, const model::HostModel& state);
  void stop();
  // Every network's counters, by network id (any thread but the io_context's).
  std::map<std::string, dhcp::DhcpCounters> counters();

  // Datagrams handled per wake-up of one socket before the others get their turn.
  static constexpr int kBatch = 64;

 private:
  struct Listener;
  // Each endpoint's server configuration, by network id, built on the caller's thread.
  void apply(const std::map<std::string, DhcpEndpoint>& endpoints,
             std::map<std::string, dhcp::DhcpServerConfig> configs);
  void receive(const std::shared_ptr<Listener>& listener);
  void on_frame(Listener& listener, std::span<const uint8_t> packet,
                const dhcp::MacAddress& sender);
  void tick();

  boost::asio::io_context& io_;
  const MonotonicClock& clock_;
  RateLimit per_port_;
  log::RateLimitedLog log_;  // what guests can make us say
  boost::asio::steady_timer ticker_;
  bool ticking_ = false;
  std::map<std::string, std::shared_ptr<Listener>> listeners_;  // by network id
};

}  // namespace neutrino::agent
