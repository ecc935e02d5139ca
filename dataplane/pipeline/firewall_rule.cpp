#include "dataplane/pipeline/firewall_rule.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace neutrino::dataplane::pipeline {
namespace {

std::optional<long long> integer(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) {
    return std::nullopt;
  }
  return it->get<long long>();
}

std::optional<std::string> text(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) {
    return std::nullopt;
  }
  return it->get<std::string>();
}

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

std::optional<FirewallRule> parse_firewall_rule(const Json& rule) {
  if (!rule.is_object()) {
    return std::nullopt;
  }
  FirewallRule out;
  const auto direction = text(rule, "direction");
  const auto ethertype = text(rule, "ethertype");
  if (direction != "ingress" && direction != "egress") {
    return std::nullopt;
  }
  if (ethertype != "IPv4" && ethertype != "IPv6") {
    return std::nullopt;
  }
  out.direction = direction == "ingress" ? Direction::kIngress : Direction::kEgress;
  out.ethertype = ethertype == "IPv4" ? Ethertype::kIPv4 : Ethertype::kIPv6;
  if (rule.contains("protocol") && !rule["protocol"].is_null()) {
    const auto protocol = integer(rule, "protocol");
    if (!protocol || *protocol < 0 || *protocol > 255) {
      return std::nullopt;
    }
    out.protocol = static_cast<std::uint8_t>(*protocol);
  }
  const auto port_min = integer(rule, "port_range_min");
  const auto port_max = integer(rule, "port_range_max");
  for (const auto& bound : {port_min, port_max}) {
    if (bound && (*bound < 0 || *bound > 65535)) {
      return std::nullopt;
    }
  }
  if (port_min) {
    out.port_min = static_cast<std::uint16_t>(*port_min);
  }
  if (port_max) {
    out.port_max = static_cast<std::uint16_t>(*port_max);
  }
  if (const auto prefix = text(rule, "remote_ip_prefix")) {
    const auto normalised = normalised_prefix(*prefix, out.ethertype);
    if (!normalised) {
      return std::nullopt;
    }
    if (!normalised->empty()) {
      out.remote_prefix = *normalised;
    }
  }
  out.remote_group = text(rule, "remote_group_id");
  out.remote_address_group = text(rule, "remote_address_group_id");
  if (int{out.remote_group.has_value()} + int{out.remote_prefix.has_value()} +
          int{out.remote_address_group.has_value()} >
      1) {
    return std::nullopt;
  }
  return out;
}

std::optional<std::vector<FirewallRule>> port_firewall_rules(const channel::HostState& state,
                                                             const Json& port) {
  const auto groups = port.find("security_groups");
  if (groups == port.end() || !groups->is_array()) {
    return std::nullopt;
  }
  std::vector<FirewallRule> rules;
  for (const auto& group_id : *groups) {
    if (!group_id.is_string()) {
      continue;
    }
    const auto group = state.find("security_group:" + group_id.get<std::string>());
    if (group == state.end() || !group->second.is_object()) {
      continue;  // not pushed (yet): its rules allow nothing
    }
    const auto list = group->second.find("rules");
    if (list == group->second.end() || !list->is_array()) {
      continue;
    }
    for (const auto& rule : *list) {
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
