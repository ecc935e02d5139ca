#include "agent/app/metadata_proxy.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <future>

#include "agent/netlink/namespace_exec.hpp"
#include "common/channel/hmac_signer.hpp"
#include "common/http_client.hpp"
#include "common/log.hpp"

namespace neutrino::agent {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

struct MetadataProxy::Listener {
  explicit Listener(asio::io_context& io) : acceptor(io) {}
  DhcpEndpoint endpoint;
  tcp::acceptor acceptor;
};

namespace {

int open_metadata_socket(const DhcpEndpoint& endpoint) {
  const int fd = netlink::open_socket_in(endpoint.namespace_name, AF_INET, SOCK_STREAM, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(80);
  address.sin_addr.s_addr = htonl(0xa9fea9fe);  // 169.254.169.254
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(fd, 64) != 0) {
    const int error = errno;
    close(fd);
    throw std::system_error(error, std::generic_category(),
                            "metadata proxy in " + endpoint.namespace_name);
  }
  return fd;
}

}  // namespace

MetadataProxy::MetadataProxy(asio::io_context& io, MetadataTarget target)
    : io_(io), target_(std::move(target)) {}

MetadataProxy::~MetadataProxy() {
  workers_.join();
}

void MetadataProxy::update(const std::map<std::string, DhcpEndpoint>& endpoints,
                           const channel::HostState& state) {
  std::map<std::pair<std::string, std::string>, Instance> instances;
  for (const auto& [key, port] : state) {
    if (key.rfind("port:", 0) != 0 || port.value("device_id", "").empty() ||
        port.value("device_owner", "").rfind("network:", 0) == 0) {
      continue;
    }
    for (const auto& ip : port.value("fixed_ips", Json::array())) {
      instances[{port.value("network_id", ""), ip.value("ip_address", "")}] =
          Instance{port.value("device_id", ""), port.value("project_id", "")};
    }
  }
  {
    std::lock_guard lock(instances_mutex_);
    instances_ = std::move(instances);
  }
  std::promise<void> done;
  asio::post(io_, [this, endpoints, &done] {
    try {
      apply(endpoints);
      done.set_value();
    } catch (...) {
      done.set_exception(std::current_exception());
    }
  });
  done.get_future().get();
}

void MetadataProxy::stop() {
  update({}, {});
}

void MetadataProxy::apply(const std::map<std::string, DhcpEndpoint>& endpoints) {
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    const auto want = endpoints.find(it->first);
    if (want == endpoints.end() || !(want->second == it->second->endpoint)) {
      boost::system::error_code ignored;
      it->second->acceptor.close(ignored);
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
        if (ec) {
          return;  // closed: the network left this host
        }
        const std::string network = listener->endpoint.network_id;
        // The socket moves to a worker: forwarding to the controller blocks.
        auto shared = std::make_shared<tcp::socket>(std::move(socket));
        asio::post(workers_, [this, shared, network] { serve(std::move(*shared), network); });
        accept(listener);
      });
}

std::optional<MetadataProxy::Instance> MetadataProxy::instance_for(const std::string& network_id,
                                                                   const std::string& ip) {
  std::lock_guard lock(instances_mutex_);
  const auto it = instances_.find({network_id, ip});
  if (it == instances_.end()) {
    return std::nullopt;
  }
  return it->second;
}

void MetadataProxy::serve(tcp::socket socket, std::string network_id) {
  boost::system::error_code ec;
  const std::string guest = socket.remote_endpoint(ec).address().to_string();
  boost::beast::flat_buffer buffer;
  for (;;) {
    http::request<http::string_body> request;
    http::read(socket, buffer, request, ec);
    if (ec) {
      return;
    }
    http::response<http::string_body> response;
    response.version(request.version());
    response.set(http::field::server, "neutrino-metadata-proxy");
    const auto instance = instance_for(network_id, guest);
    if (!instance) {
      response.result(http::status::not_found);
      response.set(http::field::content_type, "text/plain");
      response.body() = "No instance is known at " + guest + " on this network.\n";
      log::warning("metadata request from ", guest, " on network ", network_id,
                   ": no port has that address");
    } else {
      try {
        HttpClient controller(target_.host, target_.port);
        const std::string target(request.target());
        auto answer = controller.request(
            std::string(request.method_string()), target, "",
            {{"X-Instance-ID", instance->id},
             {"X-Tenant-ID", instance->project_id},
             {"X-Forwarded-For", guest},
             {"X-Instance-ID-Signature", channel::HmacSigner(target_.secret).sign(instance->id)}});
        response.result(static_cast<unsigned>(answer.status));
        if (const auto type = answer.headers.find("content-type"); type != answer.headers.end()) {
          response.set(http::field::content_type, type->second);
        }
        response.body() = std::move(answer.body);
      } catch (const std::exception& e) {
        response.result(http::status::bad_gateway);
        response.set(http::field::content_type, "text/plain");
        response.body() = "The metadata service is unreachable.\n";
        log::warning("metadata proxy: ", e.what());
      }
    }
    response.keep_alive(request.keep_alive());
    response.prepare_payload();
    http::write(socket, response, ec);
    if (ec || !request.keep_alive()) {
      return;
    }
  }
}

}  // namespace neutrino::agent
