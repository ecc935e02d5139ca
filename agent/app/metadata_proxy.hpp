#pragma once
// The 169.254.169.254:80 proxy of every qdhcp namespace. A guest's request is matched to its
// port by (network, source address), then forwarded to the controller's metadata service with
// the port's device_id as X-Instance-ID, its project as X-Tenant-ID, the guest address as
// X-Forwarded-For and X-Instance-ID-Signature = HMAC-SHA256(secret, instance id), as
// Neutron's metadata agent does. A request from an address no port of the network holds is
// refused here (404) and never reaches the controller.
//
// One listener per namespace, all on the agent's event loop; connections are served by
// MetadataFrontend (limits and forwarding), asynchronously with deadlines, so no guest can
// stop another (docs/metadata.md, "Limits").
#include <utility>  // before Asio: Boost 1.74 uses std::exchange without it

#include <boost/asio.hpp>
#include <map>
#include <memory>
#include <string>

#include "agent/app/dhcp_namespaces.hpp"
#include "agent/app/metadata_frontend.hpp"
#include "common/model/host_model.hpp"

namespace neutrino::agent {

class MetadataProxy {
 public:
  MetadataProxy(boost::asio::io_context& io, MetadataTarget target,
                MetadataProxyLimits limits = {});
  ~MetadataProxy();

  // Listens in the namespaces of `endpoints` (stops in the others) and refreshes which
  // address belongs to which instance. Any thread but the io_context's; waits until applied.
  void update(const std::map<std::string, DhcpEndpoint>& endpoints, const model::HostModel& state);
  // Closes every listener and connection. Same threads as update().
  void stop();

 private:
  struct Listener;
  void apply(const std::map<std::string, DhcpEndpoint>& endpoints);
  void accept(const std::shared_ptr<Listener>& listener);

  boost::asio::io_context& io_;
  std::shared_ptr<MetadataFrontend> frontend_;
  std::map<std::string, std::shared_ptr<Listener>> listeners_;  // by network id
};

}  // namespace neutrino::agent
