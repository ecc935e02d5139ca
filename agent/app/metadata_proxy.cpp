#include "agent/app/metadata_proxy.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>

#include "agent/netlink/namespace_exec.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct MetadataProxy::Listener {
  explicit Listener(asio::io_context& io) : acceptor(io), retry(io) {}
  DhcpEndpoint endpoint;
  tcp::acceptor acceptor;
  asio::steady_timer retry;  // after a failed accept (out of descriptors)
};

namespace {

constexpr int kBacklog = 128;
constexpr auto kAcceptRetry = std::chrono::milliseconds(100);

int open_metadata_socket(const DhcpEndpoint& endpoint) {
  const int fd = netlink::open_socket_in(endpoint.namespace_name, AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(80);
  address.sin_addr.s_addr = htonl(0xa9fea9fe);  // 169.254.169.254
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, kBacklog) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(),
                            "metadata proxy in " + endpoint.namespace_name);
  }
  return fd;
}

// The (network, fixed IP) -> instance map of every guest port in the state.
MetadataFrontend::Instances instances_of(const model::HostModel& state) {
  MetadataFrontend::Instances instances;
  for (const auto& entry : state.ports()) {
    const model::Port& port = entry.second;
    if (port.device_id.empty() || port.device_owner.starts_with("network:")) {
      continue;
    }
    for (const auto& ip : port.fixed_ips) {
      instances[{port.network_id, ip.ip_address}] =
          MetadataFrontend::Instance{port.device_id, port.project_id};
    }
  }
  return instances;
}

}  // namespace

MetadataProxy::MetadataProxy(asio::io_context& io, MetadataTarget target,
                             MetadataProxyLimits limits)
    : io_(io), frontend_(MetadataFrontend::create(io, std::move(target), limits)) {}

MetadataProxy::~MetadataProxy() = default;

void MetadataProxy::update(const std::map<std::string, DhcpEndpoint>& endpoints,
                           const model::HostModel& state) {
  auto instances = instances_of(state);
  std::promise<void> done;
  asio::post(io_, [this, endpoints, &instances, &done] {
    try {
      frontend_->set_instances(std::move(instances));
      apply(endpoints);
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

void MetadataProxy::stop() {
  std::promise<void> done;
  asio::post(io_, [this, &done] {
    apply({});
    frontend_->stop();
    done.set_value();
  });
  done.get_future().get();
}

void MetadataProxy::apply(const std::map<std::string, DhcpEndpoint>& endpoints) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    const auto want = endpoints.find(it->first);
    if (want == endpoints.end() || !(want->second == it->second->endpoint)) {
      boost::system::error_code ignored;
      it->second->acceptor.close(ignored);
      it->second->retry.cancel();
      frontend_->close_network(it->first);
      it = listeners_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& [network, endpoint] : endpoints) {
    if (listeners_.contains(network)) {
      continue;
    }
    auto listener = std::make_shared<Listener>(io_);
    listener->endpoint = endpoint;
    listener->acceptor.assign(tcp::v4(), open_metadata_socket(endpoint));
    listeners_[network] = listener;
    accept(listener);
    log::info("metadata proxy listening on 169.254.169.254:80 in ", endpoint.namespace_name);
  }
}

void MetadataProxy::accept(const std::shared_ptr<Listener>& listener) {
  listener->acceptor.async_accept(
      [this, listener](const boost::system::error_code& ec, tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !listener->acceptor.is_open()) {
          return;  // closed: the network left this host
        }
        if (ec) {
          // Out of descriptors or memory: try again shortly rather than stop listening for good.
          frontend_->guest_log().warning("metadata: accept", "metadata proxy: accept in ",
                                         listener->endpoint.namespace_name, ": ", ec.message());
          listener->retry.expires_after(kAcceptRetry);
          listener->retry.async_wait([this, listener](const boost::system::error_code& wait_ec) {
            if (!wait_ec && listener->acceptor.is_open()) {
              accept(listener);
            }
          });
          return;
        }
        frontend_->serve(std::move(socket), listener->endpoint.network_id);
        accept(listener);
      });
}

}  // namespace neutrino::agent
