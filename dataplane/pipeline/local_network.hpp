#pragma once
// The typed, validated view of one network present on this host, which the flow generators
// work from (the desired state is as the controller sent it; the generators should not
// re-validate it).
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/pipeline/firewall_rule.hpp"

namespace neutrino::dataplane::pipeline {

enum class NetworkType { kVxlan, kVlan, kFlat, kLocal };

// An allowed address pair, validated: the MAC is unicast, the address one of `ipv4`/`ipv6`'s
// family as a flow field value (an address or a block).
struct AddressPair {
  std::string mac;
  std::string ip;
  bool ipv6 = false;
};

struct LocalPort {
  std::string id;
  std::uint32_t ofport = 0;
  std::string mac;  // lower case, unicast
  // False when port security is off, or for a trusted "network:*" port (DHCP, router).
  bool secured = true;
  std::vector<std::string> ipv4;
  std::vector<std::string> ipv6;
  // What anti-spoofing admits besides the fixed IPs (secured ports only).
  std::vector<AddressPair> pairs;
  // Secured ports: their groups' rules (possibly none: then no new connection in or out).
  // nullopt: no stateful firewall (port security off, trusted, or the noop firewall driver).
  std::optional<std::vector<FirewallRule>> firewall;
  // All of the port's groups are stateless (stateful=false): its rules are enforced without
  // conntrack, and replies pass only where a rule allows them.
  bool stateless = false;
};

struct RemotePort {
  std::string id;
  std::string mac;
  std::string tunnel_ip;
  std::vector<std::string> ipv4;
  // Pair MACs other than `mac`, which the port also receives for.
  std::vector<std::string> pair_macs;
};

struct LocalNetwork {
  std::string id;
  NetworkType type = NetworkType::kLocal;
  std::string physical_network;
  // Valid for the type (VNI 1..2^24-1, VLAN 1..4094), or empty: no uplink then.
  std::optional<std::uint32_t> segmentation_id;
  std::uint16_t lvid = 0;
  std::vector<LocalPort> ports;     // by id
  std::vector<RemotePort> remotes;  // by id
};

// The network with that id among `networks`, or null.
inline const LocalNetwork* find_network(const std::vector<LocalNetwork>& networks,
                                        const std::string& id) {
  const auto it = std::find_if(networks.begin(), networks.end(),
                               [&id](const LocalNetwork& network) { return network.id == id; });
  return it == networks.end() ? nullptr : &*it;
}

}  // namespace neutrino::dataplane::pipeline
