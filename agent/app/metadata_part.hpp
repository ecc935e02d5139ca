#pragma once
// Metadata: serves 169.254.169.254 in every qdhcp namespace the DHCP part put in place,
// proxying to the metadata service with the instance of the asking address. Without a
// metadata service configured the part does nothing.
#include <memory>

#include <boost/asio/io_context.hpp>

#include "agent/app/agent_config.hpp"
#include "agent/app/metadata_proxy.hpp"
#include "agent/app/reconciler_part.hpp"

namespace neutrino::agent {

class MetadataPart : public ReconcilerPart {
 public:
  MetadataPart(const AgentConfig& config, boost::asio::io_context& io);

  std::string_view name() const override { return "metadata"; }
  bool uses_ovs() const override { return false; }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& results) override;
  void stop() override;

 private:
  std::unique_ptr<MetadataProxy> proxy_;  // null without a metadata service
  std::map<std::string, DhcpEndpoint> served_;
};

}  // namespace neutrino::agent
