#include "dataplane/pipeline/firewall_rule.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace neutrino::dataplane::pipeline {
namespace {

// "10.0.0.7/24" -> "10.0.0.0/24" for the rule's family; "" for a /0 (matches everything);
// nullopt when it is not a prefix of that family.
std::optional<std::string> normalised_prefix(const std::string& prefix, Ethertype ethertype) {
  const auto slash = prefix.find('/');
  const int family = ethertype == Ethertype::kIPv4 ? AF_INET : AF_INET6;
  const int bits = family == AF_INET ? 32 : 128;
  int length = bits;
  if (slash != std::string::npos) {
    const std::string digits = prefix.substr(slash + 1);
    if (digits.empty() || digits.size() > 3 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    length = std::stoi(digits);
  }
  std::array<unsigned char, 16> bytes{};
  if (length > bits || inet_pton(family, prefix.substr(0, slash).c_str(), bytes.data()) != 1) {
    return std::nullopt;
  }
  if (length == 0) {
    return std::string();
  }
  for (int bit = length; bit < bits; ++bit) {
    bytes[bit / 8] &= static_cast<unsigned char>(~(0x80u >> (bit % 8)));
  }
  std::array<char, INET6_ADDRSTRLEN> out{};
  inet_ntop(family, bytes.data(), out.data(), out.size());
  return std::string(out.data()) + "/" + std::to_string(length);
}

}  // namespace

std::optional<FirewallRule> parse_firewall_rule(const model::SecurityGroupRule& rule) {
  FirewallRule out;
  if (rule.direction != "ingress" && rule.direction != "egress") {
    return std::nullopt;
  }
  if (rule.ethertype != "IPv4" && rule.ethertype != "IPv6") {
    return std::nullopt;
  }
  out.direction = rule.direction == "ingress" ? Direction::kIngress : Direction::kEgress;
  out.ethertype = rule.ethertype == "IPv4" ? Ethertype::kIPv4 : Ethertype::kIPv6;
  if (rule.protocol) {
    if (*rule.protocol < 0 || *rule.protocol > 255) {
      return std::nullopt;
    }
    out.protocol = static_cast<std::uint8_t>(*rule.protocol);
  }
  for (const auto& bound : {rule.port_range_min, rule.port_range_max}) {
    if (bound && (*bound < 0 || *bound > 65535)) {
      return std::nullopt;
    }
  }
  if (rule.port_range_min) {
    out.port_min = static_cast<std::uint16_t>(*rule.port_range_min);
  }
  if (rule.port_range_max) {
    out.port_max = static_cast<std::uint16_t>(*rule.port_range_max);
  }
  if (rule.remote_ip_prefix) {
    const auto normalised = normalised_prefix(*rule.remote_ip_prefix, out.ethertype);
    if (!normalised) {
      return std::nullopt;
    }
    if (!normalised->empty()) {
      out.remote_prefix = *normalised;
    }
  }
  out.remote_group = rule.remote_group_id;
  out.remote_address_group = rule.remote_address_group_id;
  if (int{out.remote_group.has_value()} + int{out.remote_prefix.has_value()} +
          int{out.remote_address_group.has_value()} >
      1) {
    return std::nullopt;
  }
  return out;
}

std::vector<FirewallRule> port_firewall_rules(const model::HostModel& model,
                                              const model::Port& port) {
  std::vector<FirewallRule> rules;
  for (const auto& group_id : port.security_groups) {
    const model::SecurityGroup* group = model.security_group(group_id);
    if (group == nullptr) {
      continue;  // not pushed (yet): its rules allow nothing
    }
    for (const auto& rule : group->rules) {
      if (auto parsed = parse_firewall_rule(rule)) {
        rules.push_back(std::move(*parsed));
      }
    }
  }
  std::sort(rules.begin(), rules.end());
  rules.erase(std::unique(rules.begin(), rules.end()), rules.end());
  return rules;
}

}  // namespace neutrino::dataplane::pipeline
