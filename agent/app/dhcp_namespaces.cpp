#include "agent/app/dhcp_namespaces.hpp"

#include "agent/netlink/ethtool.hpp"
#include "agent/netlink/link_manager.hpp"
#include "agent/netlink/network_namespace.hpp"
#include "common/log.hpp"

namespace neutrino::agent {
namespace {

constexpr const char* kMetadataAddress = "169.254.169.254/32";

std::string root_device(const std::string& port_id) {
  return "tap" + port_id.substr(0, 11);
}

// "10.0.0.2" on subnet 10.0.0.0/24 -> "10.0.0.2/24".
std::string with_prefix(const model::HostModel& state, const model::FixedIp& fixed_ip) {
  const model::Subnet* subnet = state.subnet(fixed_ip.subnet_id);
  const size_t slash = subnet ? subnet->cidr.find('/') : std::string::npos;
  return fixed_ip.ip_address + (slash == std::string::npos ? "/32" : subnet->cidr.substr(slash));
}

}  // namespace

std::vector<DhcpEndpoint> DhcpNamespaces::wanted(const model::HostModel& state) {
  std::vector<DhcpEndpoint> out;
  for (const auto& entry : state.ports()) {
    const model::Port& port = entry.second;
    if (port.device_owner != "network:dhcp") {
      continue;
    }
    DhcpEndpoint e;
    e.network_id = port.network_id;
    e.port_id = port.id;
    e.mac = port.mac_address;
    e.namespace_name = namespace_for(e.network_id);
    e.device = "ns-" + e.port_id.substr(0, 11);
    for (const auto& ip : port.fixed_ips) {
      e.ips.push_back(with_prefix(state, ip));
    }
    if (const model::Network* network = state.network(e.network_id)) {
      e.mtu = static_cast<unsigned>(network->mtu);
    }
    out.push_back(std::move(e));
  }
  return out;
}

const std::map<std::string, DhcpEndpoint>& DhcpNamespaces::sync(
    const std::vector<DhcpEndpoint>& wanted, OvsBackend& bridges) {
  std::map<std::string, DhcpEndpoint> by_network;
  for (const auto& e : wanted) {
    by_network[e.network_id] = e;
  }
  for (auto it = in_place_.begin(); it != in_place_.end();) {
    const auto want = by_network.find(it->first);
    if (want == by_network.end() || !(want->second == it->second)) {
      remove(it->second, bridges);
      it = in_place_.erase(it);
    } else {
      ++it;
    }
  }
  // Namespaces left by an earlier run of the agent that no DHCP port wants any more.
  for (const auto& name : netlink::NetworkNamespace::list()) {
    if (name.rfind("qdhcp-", 0) == 0 && !by_network.contains(name.substr(6))) {
      netlink::NetworkNamespace::remove(name);
      log::info("removed stale namespace ", name);
    }
  }
  for (const auto& [network_id, endpoint] : by_network) {
    if (!in_place_.contains(network_id)) {
      create(endpoint, bridges);
      in_place_[network_id] = endpoint;
    }
  }
  return in_place_;
}

void DhcpNamespaces::create(const DhcpEndpoint& e, OvsBackend& bridges) {
  // Idempotent, so an agent restart adopts what its predecessor built without disturbing it.
  if (!netlink::NetworkNamespace::exists(e.namespace_name)) {
    netlink::NetworkNamespace::create(e.namespace_name);
  }
  netlink::LinkManager root;
  netlink::LinkManager inside(e.namespace_name);
  const std::string outside = root_device(e.port_id);
  if (!root.find_link(outside) || !inside.find_link(e.device)) {
    if (root.find_link(outside)) {
      root.delete_link(outside);
    }
    root.create_veth(outside, e.device, e.namespace_name);
  }
  inside.set_mac(e.device, e.mac);
  inside.set_mtu(e.device, e.mtu);
  root.set_mtu(outside, e.mtu);
  netlink::disable_tx_checksum(e.namespace_name, e.device);
  std::set<std::string> have;
  for (const auto& address : inside.list_addresses(e.device)) {
    have.insert(address.cidr);
  }
  std::vector<std::string> want = e.ips;
  want.push_back(kMetadataAddress);
  for (const auto& cidr : want) {
    if (!have.contains(cidr)) {
      inside.add_address(e.device, cidr);
    }
  }
  inside.set_up("lo");
  inside.set_up(e.device);
  root.set_up(outside);
  ovs::PortSpec port;
  port.name = outside;
  port.external_ids = {
      {"iface-id", e.port_id}, {"attached-mac", e.mac}, {"iface-status", "active"}};
  bridges.ensure_port(integration_bridge_, port);
  log::info("DHCP namespace ", e.namespace_name, " ready on ", e.device);
}

void DhcpNamespaces::remove(const DhcpEndpoint& e, OvsBackend& bridges) {
  const std::string outside = root_device(e.port_id);
  bridges.delete_port(integration_bridge_, outside);
  netlink::LinkManager root;
  if (root.find_link(outside)) {
    root.delete_link(outside);
  }
  netlink::NetworkNamespace::remove(e.namespace_name);
  log::info("DHCP namespace ", e.namespace_name, " removed");
}

}  // namespace neutrino::agent
