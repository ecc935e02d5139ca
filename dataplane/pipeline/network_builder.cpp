#include "dataplane/pipeline/network_builder.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/firewall_rule.hpp"
#include "dataplane/pipeline/port_statefulness.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

std::optional<std::uint32_t> segment(const model::Network& network, NetworkType type) {
  if (!network.segmentation_id) {
    return std::nullopt;
  }
  const auto id = *network.segmentation_id;
  const std::int64_t max = type == NetworkType::kVxlan ? (1 << 24) - 1 : 4094;
  if (id < 1 || id > max) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(id);
}

NetworkType network_type(const std::string& name) {
  if (name == "vxlan") {
    return NetworkType::kVxlan;
  }
  if (name == "vlan") {
    return NetworkType::kVlan;
  }
  if (name == "flat") {
    return NetworkType::kFlat;
  }
  return NetworkType::kLocal;  // "local", or a type this agent cannot carry off the host
}

// Fixed IPs by family; addresses that do not parse are skipped.
void fixed_ips(const std::vector<model::FixedIp>& entries, std::vector<std::string>& ipv4,
               std::vector<std::string>* ipv6) {
  for (const auto& entry : entries) {
    if (const auto v4 = ipv4_address(entry.ip_address)) {
      ipv4.push_back(*v4);
    } else if (const auto v6 = ipv6_address(entry.ip_address); v6 && ipv6) {
      ipv6->push_back(*v6);
    }
  }
}

// Allowed address pairs; invalid entries are skipped, a pair without MAC has the port's.
std::vector<AddressPair> address_pairs(const std::vector<model::AddressPair>& pairs,
                                       const std::string& port_mac) {
  std::vector<AddressPair> out;
  for (const auto& pair : pairs) {
    const auto mac = pair.mac_address.empty() ? std::optional<std::string>(port_mac)
                                              : unicast_mac(pair.mac_address);
    if (!mac) {
      continue;
    }
    if (const auto v4 = ipv4_prefix(pair.ip_address)) {
      out.push_back({*mac, *v4, false});
    } else if (const auto v6 = ipv6_prefix(pair.ip_address)) {
      out.push_back({*mac, *v6, true});
    }
  }
  return out;
}

std::optional<LocalNetwork> network(const model::HostModel& model, const std::string& id,
                                    std::uint16_t lvid) {
  const model::Network* object = model.network(id);
  if (object == nullptr || !object->admin_state_up) {
    return std::nullopt;
  }
  LocalNetwork out;
  out.id = id;
  out.lvid = lvid;
  out.type = network_type(object->network_type);
  out.physical_network = object->physical_network.value_or("");
  if (out.type != NetworkType::kFlat) {
    out.segmentation_id = segment(*object, out.type);
  }
  return out;
}

void add_local_port(const PipelineInput& input, const model::Port& port, LocalNetwork& network) {
  const auto plugged = input.local_ports.find(port.id);
  const auto mac = unicast_mac(port.mac_address);
  if (plugged == input.local_ports.end() || !mac || !port.admin_state_up) {
    return;  // an administratively down port is treated as unplugged: nothing in or out
  }
  LocalPort out{.id = port.id, .ofport = plugged->second, .mac = *mac};
  // Neutron trusts ports the cloud itself owns (DHCP, routers): they answer for addresses
  // that are not their fixed IPs (169.254.169.254, routed traffic).
  const bool trusted = port.device_owner.starts_with("network:");
  out.secured = port.port_security_enabled && !trusted;
  fixed_ips(port.fixed_ips, out.ipv4, &out.ipv6);
  out.pairs = address_pairs(port.allowed_address_pairs, out.mac);
  if (out.secured && input.security_groups) {
    out.firewall = port_firewall_rules(*input.model, port);
    out.stateless = port_is_stateless(*input.model, port);
  }
  network.ports.push_back(std::move(out));
}

void add_remote_port(const model::RemotePort& remote, LocalNetwork& network) {
  const auto mac = unicast_mac(remote.mac_address);
  if (!mac) {
    return;
  }
  RemotePort out{.id = remote.id, .mac = *mac, .tunnel_ip = remote.tunnel_ip};
  fixed_ips(remote.fixed_ips, out.ipv4, nullptr);
  for (const auto& pair : address_pairs(remote.allowed_address_pairs, out.mac)) {
    if (pair.mac != out.mac &&
        std::find(out.pair_macs.begin(), out.pair_macs.end(), pair.mac) == out.pair_macs.end()) {
      out.pair_macs.push_back(pair.mac);
    }
  }
  network.remotes.push_back(std::move(out));
}

}  // namespace

std::vector<LocalNetwork> build_local_networks(const PipelineInput& input) {
  const model::HostModel& model = desired_model(input);
  std::map<std::uint16_t, std::string> owner;
  std::vector<LocalNetwork> out;
  for (const auto& [id, lvid] : input.local_vlans) {
    if (lvid < 1 || lvid > 4094) {
      throw std::invalid_argument("network " + id + ": local VLAN " + std::to_string(lvid) +
                                  " is outside 1..4094");
    }
    if (const auto [it, fresh] = owner.emplace(lvid, id); !fresh) {
      throw std::invalid_argument("networks " + it->second + " and " + id + " share local VLAN " +
                                  std::to_string(lvid));
    }
    auto built = network(model, id, lvid);
    if (!built) {
      continue;
    }
    // The model's by-network index is in id order, as the flows' order wants.
    for (const model::Port* port : model.ports_of_network(id)) {
      add_local_port(input, *port, *built);
    }
    for (const model::RemotePort* remote : model.remote_ports_of_network(id)) {
      add_remote_port(*remote, *built);
    }
    out.push_back(std::move(*built));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.lvid < b.lvid; });
  return out;
}

}  // namespace neutrino::dataplane::pipeline
