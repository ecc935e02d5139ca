#pragma once
// The 169.254.169.254:80 proxy of every qdhcp namespace. A guest's request is matched to its
// port by (network, source address), then forwarded to the controller's metadata service with
// the port's device_id as X-Instance-ID, its project as X-Tenant-ID, the guest address as
// X-Forwarded-For and X-Instance-ID-Signature = HMAC-SHA256(secret, instance id), as
// Neutron's metadata agent does. A request from an address no port of the network holds is
// refused here (404) and never reaches the controller.
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <boost/asio/thread_pool.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "agent/app/dhcp_namespaces.hpp"
#include "common/channel/host_state.hpp"

namespace neutrino::agent {

struct MetadataTarget {
  std::string host;  // the controller's metadata listener
  uint16_t port = 8775;
  std::string secret;
};

class MetadataProxy {
 public:
  MetadataProxy(boost::asio::io_context& io, MetadataTarget target);
  ~MetadataProxy();

  // Listens in the namespaces of `endpoints` (stops in the others) and refreshes which
  // address belongs to which instance. Any thread; applied on the io_context.
  void update(const std::map<std::string, DhcpEndpoint>& endpoints,
              const channel::HostState& state);
  void stop();

 private:
  struct Listener;
  struct Instance {
    std::string id;
    std::string project_id;
  };
  void apply(const std::map<std::string, DhcpEndpoint>& endpoints);
  void accept(const std::shared_ptr<Listener>& listener);
  void serve(boost::asio::ip::tcp::socket socket, std::string network_id);
  std::optional<Instance> instance_for(const std::string& network_id, const std::string& ip);

  boost::asio::io_context& io_;
  MetadataTarget target_;
  boost::asio::thread_pool workers_{2};  // forwarding blocks; keep it off the event loop
  std::map<std::string, std::shared_ptr<Listener>> listeners_;  // by network id
  std::mutex instances_mutex_;
  std::map<std::pair<std::string, std::string>, Instance> instances_;  // (network, ip)
};

}  // namespace neutrino::agent
