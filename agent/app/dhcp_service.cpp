#include "agent/app/dhcp_service.hpp"

#include <linux/filter.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstring>
#include <future>

#include "agent/app/dhcp_config_builder.hpp"
#include "agent/netlink/namespace_exec.hpp"
#include "common/log.hpp"
#include "dhcp/dhcp_server.hpp"
#include "dhcp/udp_datagram.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
using udp = asio::ip::udp;

struct DhcpService::Listener {
  Listener(asio::io_context& io, dhcp::DhcpServerConfig config)
      : socket(io), frames(io), server(std::move(config)) {}
  DhcpEndpoint endpoint;
  udp::socket socket;                     // replies; holds port 67 but receives nothing
  asio::posix::stream_descriptor frames;  // requests, with their Ethernet source
  dhcp::DhcpServer server;
  std::array<uint8_t, 2048> buffer{};
};

namespace {

constexpr size_t kLogBurst = 5;
constexpr auto kLogInterval = std::chrono::seconds(10);
constexpr auto kTick = std::chrono::seconds(1);
constexpr int kReceiveBuffer = 4 * 1024 * 1024;

[[noreturn]] void fail(int fd, const DhcpEndpoint& endpoint, const std::string& what) {
  const int error = errno;
  close(fd);
  throw std::system_error(error, std::generic_category(), what + " in " + endpoint.namespace_name);
}

void attach_filter(int fd, std::span<sock_filter> code, const DhcpEndpoint& endpoint) {
  sock_fprog program{static_cast<unsigned short>(code.size()), code.data()};
  if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &program, sizeof program) != 0) {
    fail(fd, endpoint, "SO_ATTACH_FILTER");
  }
}

// A UDP socket on port 67 inside the namespace, tied to the DHCP device so replies leave
// through it. The packet socket reads the requests: this one drops everything it would
// receive (so nothing queues), but keeps the port bound so unicast renewals draw no ICMP
// port unreachable.
int open_reply_socket(const DhcpEndpoint& endpoint) {
  const int fd = netlink::open_socket_in(endpoint.namespace_name, AF_INET, SOCK_DGRAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_BROADCAST, &on, sizeof on);
  if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, endpoint.device.c_str(),
                 static_cast<socklen_t>(endpoint.device.size())) != 0) {
    fail(fd, endpoint, "SO_BINDTODEVICE " + endpoint.device);
  }
  std::array<sock_filter, 1> drop_all{{BPF_STMT(BPF_RET | BPF_K, 0)}};
  attach_filter(fd, drop_all, endpoint);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(67);
  address.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fail(fd, endpoint, "bind DHCP socket");
  }
  return fd;
}

// A packet socket (network layer up: SOCK_DGRAM) on the DHCP device, passing only unfragmented
// IPv4 UDP to port 67. It starts with protocol 0, which receives nothing, and binds to IPv4
// once the filter is on, so no frame arrives unfiltered.
int open_request_socket(const DhcpEndpoint& endpoint) {
  const int fd = netlink::open_socket_in(endpoint.namespace_name, AF_PACKET, SOCK_DGRAM, 0);
  std::array<sock_filter, 9> udp_to_67{{
      BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),  // protocol
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 6),
      BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),  // flags and fragment offset
      BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 4, 0),
      BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),  // X = IP header length
      BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),   // UDP destination port
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 67, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, 0xffff),
      BPF_STMT(BPF_RET | BPF_K, 0),
  }};
  attach_filter(fd, udp_to_67, endpoint);
  // Room for a burst of a few thousand requests: dropping one costs the event loop about a
  // microsecond, but a full queue would make the kernel drop every port's requests alike.
  const int buffer = kReceiveBuffer;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof buffer) != 0) {
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);  // capped by rmem_max
  }
  ifreq request{};
  std::strncpy(request.ifr_name, endpoint.device.c_str(), IFNAMSIZ - 1);
  if (ioctl(fd, SIOCGIFINDEX, &request) != 0) {  // resolved in the socket's namespace
    fail(fd, endpoint, "no device " + endpoint.device);
  }
  sockaddr_ll address{};
  address.sll_family = AF_PACKET;
  address.sll_protocol = htons(ETH_P_IP);
  address.sll_ifindex = request.ifr_ifindex;
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    fail(fd, endpoint, "bind DHCP packet socket");
  }
  return fd;
}

}  // namespace

DhcpService::DhcpService(asio::io_context& io, const MonotonicClock& clock, RateLimit per_port)
    : io_(io),
      clock_(clock),
      per_port_(per_port),
      log_(kLogBurst, kLogInterval, clock),
      ticker_(io) {}

DhcpService::~DhcpService() {
  stop();
}

void DhcpService::update(const std::map<std::string, DhcpEndpoint>& endpoints,
                         const model::HostModel& state) {
  std::map<std::string, dhcp::DhcpServerConfig> configs;
  for (const auto& entry : endpoints) {
    configs[entry.first] = build_dhcp_config(entry.second, state);
  }
  // Applied on the io thread, and waited for, so the caller knows sockets are open on return.
  std::promise<void> done;
  asio::post(io_, [this, &endpoints, &configs, &done] {
    try {
      apply(endpoints, std::move(configs));
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
    listener->frames.close(ignored);
  }
  listeners_.clear();
  ticker_.cancel();
}

std::map<std::string, dhcp::DhcpCounters> DhcpService::counters() {
  std::promise<std::map<std::string, dhcp::DhcpCounters>> done;
  asio::post(io_, [this, &done] {
    std::map<std::string, dhcp::DhcpCounters> out;
    for (const auto& [network, listener] : listeners_) {
      out[network] = listener->server.counters();
    }
    done.set_value(std::move(out));
  });
  return done.get_future().get();
}

void DhcpService::apply(const std::map<std::string, DhcpEndpoint>& endpoints,
                        std::map<std::string, dhcp::DhcpServerConfig> configs) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    const auto want = endpoints.find(it->first);
    if (want == endpoints.end() || !(want->second == it->second->endpoint)) {
      boost::system::error_code ignored;
      it->second->socket.close(ignored);
      it->second->frames.close(ignored);
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [network, endpoint] : endpoints) {
    auto config = std::move(configs.at(network));
    config.rate_limits.per_port = per_port_;
    auto existing = listeners_.find(network);
    if (existing != listeners_.end()) {
      existing->second->server.reconfigure(std::move(config));
      continue;
    }
    auto listener = std::make_shared<Listener>(io_, std::move(config));
    listener->endpoint = endpoint;
    listener->socket.assign(udp::v4(), open_reply_socket(endpoint));
    listener->frames.assign(open_request_socket(endpoint));
    listeners_[network] = listener;
    receive(listener);
    log::info("serving DHCP in ", endpoint.namespace_name, " on ", endpoint.device);
  }
  if (!ticking_ && !listeners_.empty()) {
    ticking_ = true;
    tick();
  }
}

void DhcpService::tick() {
  log_.flush();
  if (listeners_.empty()) {
    ticking_ = false;
    return;
  }
  ticker_.expires_after(kTick);
  ticker_.async_wait([this](const boost::system::error_code& ec) {
    if (ec) {
      return;  // stopped
    }
    tick();
  });
}

void DhcpService::receive(const std::shared_ptr<Listener>& listener) {
  listener->frames.async_wait(
      asio::posix::descriptor_base::wait_read,
      [this, listener](const boost::system::error_code& ec) {
        if (ec) {
          return;  // closed: the network left this host
        }
        // A bounded batch, then back to the event loop: a flooded namespace takes turns with
        // every other socket instead of monopolising the thread.
        for (int i = 0; i < kBatch; ++i) {
          sockaddr_ll from{};
          socklen_t length = sizeof from;
          const ssize_t n = recvfrom(listener->frames.native_handle(), listener->buffer.data(),
                                     listener->buffer.size(), MSG_DONTWAIT | MSG_TRUNC,
                                     reinterpret_cast<sockaddr*>(&from), &length);
          if (n < 0) {
            break;  // drained (or the socket is going away)
          }
          if (static_cast<size_t>(n) > listener->buffer.size() ||
              from.sll_pkttype == PACKET_OUTGOING || from.sll_halen != 6) {
            continue;
          }
          on_frame(*listener,
                   std::span<const uint8_t>(listener->buffer.data(), static_cast<size_t>(n)),
                   dhcp::MacAddress::from_bytes(from.sll_addr));
        }
        receive(listener);
      });
}

void DhcpService::on_frame(Listener& listener, std::span<const uint8_t> packet,
                           const dhcp::MacAddress& sender) {
  const auto datagram = dhcp::parse_udp_datagram(packet);
  if (!datagram || datagram->destination_port != 67) {
    return;
  }
  const auto outcome = listener.server.handle(datagram->payload, sender, clock_.now());
  const std::string& ns = listener.endpoint.namespace_name;
  if (outcome.action == dhcp::DhcpAction::kRateLimited) {
    log_.warning("dhcp: port over its rate", "DHCP in ", ns, ": dropping requests from ", sender,
                 ", over its rate (", listener.server.counters().rate_limited,
                 " dropped on this network so far)");
  } else if (outcome.action == dhcp::DhcpAction::kOverBudget) {
    log_.warning("dhcp: unknown senders", "DHCP in ", ns, ": dropping requests from ", sender,
                 " and other MACs no port has, over their budget (",
                 listener.server.counters().over_unknown_budget, " dropped so far)");
  }
  if (outcome.reply) {
    const auto& reply = *outcome.reply;
    const udp::endpoint to(asio::ip::address_v4(reply.destination_ip.value()),
                           reply.destination_port);
    boost::system::error_code send_error;
    listener.socket.send_to(asio::buffer(reply.bytes), to, 0, send_error);
    if (send_error) {
      log_.warning("dhcp: send", "DHCP reply in ", ns, ": ", send_error.message());
    }
  }
  log::debug("DHCP ", dhcp::to_string(outcome.action), " ", outcome.mac.to_string(), " in ", ns);
}

}  // namespace neutrino::agent
