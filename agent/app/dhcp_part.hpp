#pragma once
// DHCP: asks the controller for one DHCP port per network that needs a server here (a
// DHCP-enabled subnet and a guest port on this host), builds a qdhcp namespace for each DHCP
// port bound here, and serves DHCP in it. Runs when ports, subnets or networks changed, a
// guest interface moved, or on a full pass.
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "agent/app/agent_config.hpp"
#include "agent/app/dhcp_namespaces.hpp"
#include "agent/app/dhcp_service.hpp"
#include "agent/app/ovs_backend.hpp"
#include "agent/app/reconciler_part.hpp"

namespace neutrino::agent {

using RequestDhcpPortsFn = std::function<void(std::vector<std::string> networks)>;

class DhcpPart : public ReconcilerPart {
 public:
  DhcpPart(const AgentConfig& config, boost::asio::io_context& io, OvsBackend& ovs,
           RequestDhcpPortsFn request_dhcp_ports);

  std::string_view name() const override { return "DHCP"; }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& results) override;
  void stop() override;
  // The controller connection was re-established: repeat the request it may not have seen.
  // Any thread.
  void controller_reconnected() { resend_request_ = true; }

  // The networks that need a DHCP server on this host, sorted.
  static std::vector<std::string> networks_needing_dhcp(const model::HostModel& desired);

 private:
  void request_ports(const model::HostModel& desired);

  OvsBackend& ovs_;
  RequestDhcpPortsFn request_dhcp_ports_;
  DhcpNamespaces namespaces_;
  DhcpService service_;
  std::optional<std::vector<std::string>> requested_;  // the last request sent
  std::atomic<bool> resend_request_{false};
};

}  // namespace neutrino::agent
