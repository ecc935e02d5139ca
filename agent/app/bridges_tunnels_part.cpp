#include "agent/app/bridges_tunnels_part.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <set>
#include <stdexcept>

#include "agent/app/ofport_lookup.hpp"

namespace neutrino::agent {
namespace {

ovs::PortSpec patch(const std::string& name, const std::string& peer) {
  ovs::PortSpec spec;
  spec.name = name;
  spec.type = "patch";
  spec.options = {{"peer", peer}};
  return spec;
}

}  // namespace

std::string BridgesTunnelsPart::tunnel_port_name(const std::string& remote_ip) {
  in_addr address{};
  inet_pton(AF_INET, remote_ip.c_str(), &address);
  char name[16];
  std::snprintf(name, sizeof name, "vxlan-%08x", ntohl(address.s_addr));
  return name;
}

std::string BridgesTunnelsPart::int_patch(const std::string& bridge) {
  return ("int-" + bridge).substr(0, 15);
}

std::string BridgesTunnelsPart::phy_patch(const std::string& bridge) {
  return ("phy-" + bridge).substr(0, 15);
}

void BridgesTunnelsPart::reconcile(const DesiredState& desired, const StateChanges& changes,
                                   PassResults& results) {
  if (changes.full || !patch_tun_ || !patch_int_) {
    ensure_bridges();
    read_patch_ports();
  }
  if (changes.touches(model::ObjectKind::kRemotePort) ||
      changes.touches(model::ObjectKind::kRouter) || tunnels_incomplete_) {
    ensure_tunnels(desired.model);
  }
  results.patch_tun = patch_tun_;
  results.patch_int = patch_int_;
  results.tunnel_ports = tunnel_ports_;
  results.physnets = physnets_;
}

void BridgesTunnelsPart::ensure_bridges() {
  ovs::BridgeSpec spec;
  spec.datapath_type = config_.datapath_type;
  spec.external_ids = {{"neutrino-agent", config_.host}};
  bool changed = ovs_.ensure_bridge(config_.integration_bridge, spec);
  changed = ovs_.ensure_bridge(config_.tunnel_bridge, spec) || changed;
  changed =
      ovs_.ensure_port(config_.integration_bridge, patch("patch-tun", "patch-int")) || changed;
  changed = ovs_.ensure_port(config_.tunnel_bridge, patch("patch-int", "patch-tun")) || changed;
  for (const auto& [physnet, bridge] : config_.bridge_mappings) {
    changed = ovs_.ensure_bridge(bridge, spec) || changed;
    changed =
        ovs_.ensure_port(config_.integration_bridge, patch(int_patch(bridge), phy_patch(bridge))) ||
        changed;
    changed = ovs_.ensure_port(bridge, patch(phy_patch(bridge), int_patch(bridge))) || changed;
  }
  if (changed) {
    ovs_.wait_applied();  // before the ofports are read
  }
}

void BridgesTunnelsPart::read_patch_ports() {
  const auto int_ports = ovs_.list_ports(config_.integration_bridge);
  patch_tun_ = ofport_of(int_ports, "patch-tun");
  patch_int_ = ofport_of(ovs_.list_ports(config_.tunnel_bridge), "patch-int");
  if (!patch_tun_ || !patch_int_) {
    throw std::runtime_error("patch ports between " + config_.integration_bridge + " and " +
                             config_.tunnel_bridge + " have no ofport yet");
  }
  physnets_.clear();
  for (const auto& [physnet, bridge] : config_.bridge_mappings) {
    physnets_[physnet] = {bridge, ofport_of(int_ports, int_patch(bridge)),
                          ofport_of(ovs_.list_ports(bridge), phy_patch(bridge))};
  }
}

void BridgesTunnelsPart::ensure_tunnels(const model::HostModel& desired) {
  std::set<std::string> wanted;
  for (const auto& entry : desired.remote_ports()) {
    const std::string& ip = entry.second.tunnel_ip;
    if (!ip.empty() && ip != config_.tunnel_ip) {
      wanted.insert(ip);
    }
  }
  // The gateway hosts of the routers held here, which our ports' packets for outside go to.
  for (const auto& entry : desired.routers()) {
    const auto& gateway = entry.second.gateway;
    if (gateway && gateway->enable_snat && gateway->host != config_.host &&
        !gateway->host_tunnel_ip.empty() && gateway->host_tunnel_ip != config_.tunnel_ip) {
      wanted.insert(gateway->host_tunnel_ip);
    }
  }
  bool changed = false;
  std::set<std::string> wanted_names;
  for (const auto& ip : wanted) {
    ovs::PortSpec spec;
    spec.name = tunnel_port_name(ip);
    spec.type = "vxlan";
    spec.options = {{"remote_ip", ip}, {"local_ip", config_.tunnel_ip}, {"key", "flow"}};
    changed = ovs_.ensure_port(config_.tunnel_bridge, spec) || changed;
    wanted_names.insert(spec.name);
  }
  // A tunnel no host needs any more goes.
  for (const auto& port : ovs_.list_ports(config_.tunnel_bridge)) {
    if (port.name.starts_with("vxlan-") && !wanted_names.contains(port.name)) {
      changed = ovs_.delete_port(config_.tunnel_bridge, port.name) || changed;
    }
  }
  if (changed) {
    ovs_.wait_applied();
  }
  const auto ports = ovs_.list_ports(config_.tunnel_bridge);
  tunnel_ports_.clear();
  tunnels_incomplete_ = false;
  for (const auto& ip : wanted) {
    if (const auto ofport = ofport_of(ports, tunnel_port_name(ip))) {
      tunnel_ports_[ip] = *ofport;
    } else {
      tunnels_incomplete_ = true;  // looked at again on the next pass
    }
  }
}

}  // namespace neutrino::agent
