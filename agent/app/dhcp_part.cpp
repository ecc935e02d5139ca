#include "agent/app/dhcp_part.hpp"

#include <set>

namespace neutrino::agent {

DhcpPart::DhcpPart(const AgentConfig& config, boost::asio::io_context& io, OvsBackend& ovs,
                   RequestDhcpPortsFn request_dhcp_ports)
    : ovs_(ovs),
      request_dhcp_ports_(std::move(request_dhcp_ports)),
      namespaces_(config.integration_bridge),
      service_(io, MonotonicClock::system(), config.dhcp_rate) {}

std::vector<std::string> DhcpPart::networks_needing_dhcp(const channel::HostState& desired) {
  std::set<std::string> with_dhcp;
  for (const auto& [key, subnet] : desired) {
    if (key.starts_with("subnet:") && subnet.value("enable_dhcp", false)) {
      with_dhcp.insert(subnet.value("network_id", ""));
    }
  }
  std::set<std::string> networks;
  for (const auto& [key, port] : desired) {
    if (key.starts_with("port:") && !port.value("device_owner", "").starts_with("network:") &&
        with_dhcp.contains(port.value("network_id", ""))) {
      networks.insert(port.value("network_id", ""));
    }
  }
  return {networks.begin(), networks.end()};
}

void DhcpPart::request_ports(const channel::HostState& desired) {
  auto wanted = networks_needing_dhcp(desired);
  if (resend_request_.exchange(false)) {
    requested_.reset();
  }
  if (requested_ != wanted) {
    requested_ = wanted;
    request_dhcp_ports_(std::move(wanted));
  }
}

void DhcpPart::apply(const channel::HostState& desired, const StateChanges& changes,
                     PassResults& results) {
  request_ports(desired);
  if (changes.interfaces || changes.touches("port:") || changes.touches("subnet:") ||
      changes.touches("network:")) {
    const auto& endpoints = namespaces_.sync(DhcpNamespaces::wanted(desired), desired, ovs_);
    service_.update(endpoints, desired);
  }
  results.dhcp_endpoints = namespaces_.in_place();
}

void DhcpPart::stop() {
  service_.update({}, {});  // closes the sockets on the io thread
}

}  // namespace neutrino::agent
