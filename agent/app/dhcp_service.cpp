#include "agent/app/dhcp_service.hpp"

#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <future>

#include "agent/app/dhcp_config_builder.hpp"
#include "agent/netlink/namespace_exec.hpp"
#include "common/log.hpp"
#include "dhcp/dhcp_server.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
using udp = asio::ip::udp;

struct DhcpService::Listener {
  Listener(asio::io_context& io, dhcp::DhcpServerConfig config)
      : socket(io), server(std::move(config)) {}
  DhcpEndpoint endpoint;
  udp::socket socket;
  dhcp::DhcpServer server;
  std::array<uint8_t, 2048> buffer{};
  udp::endpoint from;
};

namespace {

// A UDP socket on port 67 inside the namespace, tied to the DHCP device so replies leave
// through it and requests from other devices are not seen.
int open_dhcp_socket(const DhcpEndpoint& endpoint) {
  const int fd = netlink::open_socket_in(endpoint.namespace_name, AF_INET, SOCK_DGRAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, endpoint.device.c_str(),
                 static_cast<socklen_t>(endpoint.device.size())) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(), "SO_BINDTODEVICE " + endpoint.device);
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(67);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(),
                            "bind DHCP socket in " + endpoint.namespace_name);
  }
  return fd;
}

}  // namespace

DhcpService::~DhcpService() {
  stop();
}

void DhcpService::update(const std::map<std::string, DhcpEndpoint>& endpoints,
                         const channel::HostState& state) {
  // Applied on the io thread, and waited for, so the caller knows sockets are open on return.
  std::promise<void> done;
  asio::post(io_, [this, endpoints, state, &done] {
    try {
      apply(endpoints, state);
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

void DhcpService::stop() {
  for (auto& [network, listener] : listeners_) {
    boost::system::error_code ignored;
    listener->socket.close(ignored);
  }
  listeners_.clear();
}

void DhcpService::apply(std::map<std::string, DhcpEndpoint> endpoints, channel::HostState state) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    const auto want = endpoints.find(it->first);
    if (want == endpoints.end() || !(want->second == it->second->endpoint)) {
      boost::system::error_code ignored;
      it->second->socket.close(ignored);
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [network, endpoint] : endpoints) {
    auto config = build_dhcp_config(endpoint, state);
    auto existing = listeners_.find(network);
    if (existing != listeners_.end()) {
      existing->second->server.reconfigure(std::move(config));
      continue;
    }
    auto listener = std::make_shared<Listener>(io_, std::move(config));
    listener->endpoint = endpoint;
    listener->socket.assign(udp::v4(), open_dhcp_socket(endpoint));
    listeners_[network] = listener;
    receive(listener);
    log::info("serving DHCP in ", endpoint.namespace_name, " on ", endpoint.device);
  }
}

void DhcpService::receive(const std::shared_ptr<Listener>& listener) {
  listener->socket.async_receive_from(
      asio::buffer(listener->buffer), listener->from,
      [this, listener](const boost::system::error_code& ec, size_t n) {
        if (ec) {
          return;  // closed: the network left this host
        }
        const auto outcome =
            listener->server.handle(std::span<const uint8_t>(listener->buffer.data(), n));
        if (outcome.reply) {
          const auto& reply = *outcome.reply;
          const udp::endpoint to(asio::ip::address_v4(reply.destination_ip.value()),
                                 reply.destination_port);
          boost::system::error_code send_error;
          listener->socket.send_to(asio::buffer(reply.bytes), to, 0, send_error);
          if (send_error) {
            log::warning("DHCP reply in ", listener->endpoint.namespace_name, ": ",
                         send_error.message());
          }
        }
        log::debug("DHCP ", dhcp::to_string(outcome.action), " ", outcome.mac.to_string(), " in ",
                   listener->endpoint.namespace_name);
        receive(listener);
      });
}

}  // namespace neutrino::agent
