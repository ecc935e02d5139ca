#include "agent/app/metadata_part.hpp"

namespace neutrino::agent {

MetadataPart::MetadataPart(const AgentConfig& config, boost::asio::io_context& io)
    : proxy_(config.metadata_host.empty()
                 ? nullptr
                 : std::make_unique<MetadataProxy>(
                       io,
                       MetadataTarget{config.metadata_host, config.metadata_port,
                                      config.metadata_secret},
                       MetadataProxyLimits{.guests = {.requests = config.metadata_rate}})) {}

void MetadataPart::reconcile(const DesiredState& desired, const StateChanges& changes,
                             PassResults& results) {
  // Which address is which instance comes from the ports; where to listen from the
  // namespaces in place.
  if (!proxy_ ||
      (!changes.touches(model::ObjectKind::kPort) && results.dhcp_endpoints == served_)) {
    return;
  }
  proxy_->update(results.dhcp_endpoints, desired.model);
  served_ = results.dhcp_endpoints;
}

void MetadataPart::stop() {
  if (proxy_) {
    proxy_->stop();
  }
}

}  // namespace neutrino::agent
