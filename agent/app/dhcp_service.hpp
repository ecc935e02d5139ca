#pragma once
// Serves DHCP in every qdhcp namespace of this host from the agent's one event loop: a UDP
// socket opened inside each namespace (bound to port 67 on the namespace's device) is read on
// the shared io_context, and each datagram goes through that network's dhcp::DhcpServer. No
// process per network: a network costs one socket and one small server object.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <map>
#include <memory>
#include <string>

#include "agent/app/dhcp_namespaces.hpp"
#include "common/channel/host_state.hpp"

namespace neutrino::agent {

class DhcpService {
 public:
  explicit DhcpService(boost::asio::io_context& io) : io_(io) {}
  ~DhcpService();

  // Opens sockets for new endpoints, closes those of endpoints gone, and reconfigures every
  // server from the state. Any thread; the work happens on the io_context.
  void update(const std::map<std::string, DhcpEndpoint>& endpoints,
              const channel::HostState& state);
  void stop();

 private:
  struct Listener;
  void apply(std::map<std::string, DhcpEndpoint> endpoints, channel::HostState state);
  void receive(const std::shared_ptr<Listener>& listener);

  boost::asio::io_context& io_;
  std::map<std::string, std::shared_ptr<Listener>> listeners_;  // by network id
};

}  // namespace neutrino::agent
