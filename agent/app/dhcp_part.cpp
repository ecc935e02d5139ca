#include "agent/app/dhcp_part.hpp"

#include <algorithm>
#include <set>

namespace neutrino::agent {

DhcpPart::DhcpPart(const AgentConfig& config, boost::asio::io_context& io, OvsBackend& ovs,
                   RequestDhcpPortsFn request_dhcp_ports)
    : ovs_(ovs),
      request_dhcp_ports_(std::move(request_dhcp_ports)),
      namespaces_(config.integration_bridge),
      service_(io, MonotonicClock::system(), config.dhcp_rate) {}

std::vector<std::string> DhcpPart::networks_needing_dhcp(const model::HostModel& desired) {
  std::set<std::string> with_dhcp;
  for (const auto& entry : desired.subnets()) {
    if (entry.second.enable_dhcp) {
      with_dhcp.insert(entry.second.network_id);
    }
  }
  std::vector<std::string> networks;
  for (const auto& network_id : with_dhcp) {
    const auto ports = desired.ports_of_network(network_id);
    if (std::any_of(ports.begin(), ports.end(), [](const model::Port* port) {
          return !port->device_owner.starts_with("network:");
        })) {
      networks.push_back(network_id);
    }
  }
  return networks;
}

void DhcpPart::request_ports(const model::HostModel& desired) {
  auto wanted = networks_needing_dhcp(desired);
  if (resend_request_.exchange(false)) {
    requested_.reset();
  }
  if (requested_ != wanted) {
    requested_ = wanted;
    request_dhcp_ports_(std::move(wanted));
  }
}

void DhcpPart::reconcile(const DesiredState& desired, const StateChanges& changes,
                         PassResults& results) {
  using model::ObjectKind;
  request_ports(desired.model);
  if (changes.interfaces || changes.touches(ObjectKind::kPort) ||
      changes.touches(ObjectKind::kSubnet) || changes.touches(ObjectKind::kNetwork)) {
    const auto& endpoints = namespaces_.sync(DhcpNamespaces::wanted(desired.model), ovs_);
    service_.update(endpoints, desired.model);
  }
  results.dhcp_endpoints = namespaces_.in_place();
}

void DhcpPart::stop() {
  service_.update({}, model::HostModel());  // closes the sockets on the io thread
}

}  // namespace neutrino::agent
