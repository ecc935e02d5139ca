#pragma once
// One security group rule as the firewall compiles it: validated, typed, with the remote
// prefix normalised. Rules are allow rules; a port's rules are the union of its groups'.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/host_model.hpp"

namespace neutrino::dataplane::pipeline {

enum class Direction { kIngress, kEgress };
enum class Ethertype { kIPv4, kIPv6 };

struct FirewallRule {
  Direction direction = Direction::kIngress;
  Ethertype ethertype = Ethertype::kIPv4;
  std::optional<std::uint8_t> protocol;  // IP protocol number; none: any
  // TCP/UDP/SCTP destination ports, or ICMP type (min) and code (max).
  std::optional<std::uint16_t> port_min;
  std::optional<std::uint16_t> port_max;
  std::optional<std::string> remote_prefix;  // "10.0.0.0/24"; never a /0 (that is no prefix)
  std::optional<std::string> remote_group;   // group id; exclusive with remote_prefix
  // Address group id; exclusive with remote_prefix and remote_group.
  std::optional<std::string> remote_address_group;

  friend auto operator<=>(const FirewallRule&, const FirewallRule&) = default;
};

// The rules of a port's groups, sorted and without duplicates; rules that do not parse are
// left out (they allow nothing), as are groups the state does not hold (yet).
std::vector<FirewallRule> port_firewall_rules(const model::HostModel& model,
                                              const model::Port& port);

// One rule of a pushed security group, validated; nullopt when it cannot be compiled.
std::optional<FirewallRule> parse_firewall_rule(const model::SecurityGroupRule& rule);

}  // namespace neutrino::dataplane::pipeline
