#include "dataplane/pipeline/network_builder.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/firewall_rule.hpp"
#include "dataplane/pipeline/port_statefulness.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

// Tolerant accessors: a field of the wrong type reads as absent rather than throwing
// nlohmann's type_error in the middle of a compilation.
std::string text(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag(const Json& object, const char* key, bool absent) {
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() ? it->get<bool>() : absent;
}

std::optional<std::uint32_t> segment(const Json& network, NetworkType type) {
  const auto it = network.find("segmentation_id");
  if (it == network.end() || !it->is_number_integer()) {
    return std::nullopt;
  }
  const auto id = it->get<long long>();
  const long long max = type == NetworkType::kVxlan ? (1 << 24) - 1 : 4094;
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

// Fixed IPs by family; malformed entries are skipped.
void fixed_ips(const Json& port, std::vector<std::string>& ipv4, std::vector<std::string>* ipv6) {
  const auto it = port.find("fixed_ips");
  if (it == port.end() || !it->is_array()) {
    return;
  }
  for (const auto& entry : *it) {
    if (!entry.is_object()) {
      continue;
    }
    const std::string address = text(entry, "ip_address");
    if (const auto v4 = ipv4_address(address)) {
      ipv4.push_back(*v4);
    } else if (const auto v6 = ipv6_address(address); v6 && ipv6) {
      ipv6->push_back(*v6);
    }
  }
}

// Allowed address pairs; malformed entries are skipped, a pair without MAC has the port's.
std::vector<AddressPair> address_pairs(const Json& port, const std::string& port_mac) {
  std::vector<AddressPair> out;
  const auto it = port.find("allowed_address_pairs");
  if (it == port.end() || !it->is_array()) {
    return out;
  }
  for (const auto& entry : *it) {
    if (!entry.is_object()) {
      continue;
    }
    const std::string given = text(entry, "mac_address");
    const auto mac = given.empty() ? std::optional<std::string>(port_mac) : unicast_mac(given);
    const std::string address = text(entry, "ip_address");
    if (!mac) {
      continue;
    }
    if (const auto v4 = ipv4_prefix(address)) {
      out.push_back({*mac, *v4, false});
    } else if (const auto v6 = ipv6_prefix(address)) {
      out.push_back({*mac, *v6, true});
    }
  }
  return out;
}

std::optional<LocalNetwork> network(const PipelineInput& input, const std::string& id,
                                    std::uint16_t lvid) {
  if (input.state == nullptr) {
    return std::nullopt;
  }
  const auto it = input.state->find("network:" + id);
  if (it == input.state->end() || !it->second.is_object() ||
      !flag(it->second, "admin_state_up", true)) {
    return std::nullopt;
  }
  LocalNetwork out;
  out.id = id;
  out.lvid = lvid;
  out.type = network_type(text(it->second, "network_type"));
  out.physical_network = text(it->second, "physical_network");
  if (out.type != NetworkType::kFlat) {
    out.segmentation_id = segment(it->second, out.type);
  }
  return out;
}

void add_local_port(const PipelineInput& input, const Json& port, LocalNetwork& network) {
  const std::string id = text(port, "id");
  const auto plugged = input.local_ports.find(id);
  const auto mac = unicast_mac(text(port, "mac_address"));
  if (plugged == input.local_ports.end() || !mac || !flag(port, "admin_state_up", true)) {
    return;  // an administratively down port is treated as unplugged: nothing in or out
  }
  LocalPort out{.id = id, .ofport = plugged->second, .mac = *mac};
  // Neutron trusts ports the cloud itself owns (DHCP, routers): they answer for addresses
  // that are not their fixed IPs (169.254.169.254, routed traffic).
  const bool trusted = text(port, "device_owner").starts_with("network:");
  out.secured = flag(port, "port_security_enabled", true) && !trusted;
  fixed_ips(port, out.ipv4, &out.ipv6);
  out.pairs = address_pairs(port, out.mac);
  if (out.secured && input.security_groups) {
    out.firewall = port_firewall_rules(*input.state, port);
    out.stateless = port_is_stateless(*input.state, port);
  }
  network.ports.push_back(std::move(out));
}

void add_remote_port(const Json& remote, LocalNetwork& network) {
  const auto mac = unicast_mac(text(remote, "mac_address"));
  if (!mac) {
    return;
  }
  RemotePort out{.id = text(remote, "id"), .mac = *mac, .tunnel_ip = text(remote, "tunnel_ip")};
  fixed_ips(remote, out.ipv4, nullptr);
  for (const auto& pair : address_pairs(remote, out.mac)) {
    if (pair.mac != out.mac &&
        std::find(out.pair_macs.begin(), out.pair_macs.end(), pair.mac) == out.pair_macs.end()) {
      out.pair_macs.push_back(pair.mac);
    }
  }
  network.remotes.push_back(std::move(out));
}

}  // namespace

std::vector<LocalNetwork> build_local_networks(const PipelineInput& input) {
  std::map<std::uint16_t, std::string> owner;
  std::map<std::string, LocalNetwork> networks;
  for (const auto& [id, lvid] : input.local_vlans) {
    if (lvid < 1 || lvid > 4094) {
      throw std::invalid_argument("network " + id + ": local VLAN " + std::to_string(lvid) +
                                  " is outside 1..4094");
    }
    if (const auto [it, fresh] = owner.emplace(lvid, id); !fresh) {
      throw std::invalid_argument("networks " + it->second + " and " + id + " share local VLAN " +
                                  std::to_string(lvid));
    }
    if (auto built = network(input, id, lvid)) {
      networks.emplace(id, std::move(*built));
    }
  }
  // HostState is a std::map: ports and remotes arrive ordered by key, i.e. by id.
  static const channel::HostState kEmpty;
  for (const auto& [key, object] : input.state ? *input.state : kEmpty) {
    const bool local = key.starts_with("port:");
    if (!object.is_object() || (!local && !key.starts_with("remote:"))) {
      continue;
    }
    const auto it = networks.find(text(object, "network_id"));
    if (it == networks.end()) {
      continue;
    }
    if (local) {
      add_local_port(input, object, it->second);
    } else {
      add_remote_port(object, it->second);
    }
  }
  std::vector<LocalNetwork> out;
  for (auto& [id, network] : networks) {
    out.push_back(std::move(network));
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.lvid < b.lvid; });
  return out;
}

}  // namespace neutrino::dataplane::pipeline
