#include "dataplane/pipeline/rule_matches.hpp"

#include "dataplane/pipeline/port_range_masks.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

constexpr std::uint8_t kIcmp = 1, kTcp = 6, kUdp = 17, kIcmpV6 = 58, kSctp = 132;

// The protocol as a field OVS knows the transport ports (or ICMP type/code) of.
std::string protocol_match(std::uint8_t protocol, Ethertype ethertype) {
  const bool v6 = ethertype == Ethertype::kIPv6;
  switch (protocol) {
    case kTcp:
      return v6 ? "tcp6" : "tcp";
    case kUdp:
      return v6 ? "udp6" : "udp";
    case kSctp:
      return v6 ? "sctp6" : "sctp";
    case kIcmp:
      if (!v6) {
        return "icmp";
      }
      break;
    case kIcmpV6:
      if (v6) {
        return "icmp6";
      }
      break;
  }
  return ethertype_match(ethertype) + ",nw_proto=" + std::to_string(protocol);
}

bool has_ports(std::uint8_t protocol) {
  return protocol == kTcp || protocol == kUdp || protocol == kSctp;
}

bool is_icmp(std::uint8_t protocol, Ethertype ethertype) {
  return ethertype == Ethertype::kIPv4 ? protocol == kIcmp : protocol == kIcmpV6;
}

}  // namespace

std::string ethertype_match(Ethertype ethertype) {
  return ethertype == Ethertype::kIPv4 ? "ip" : "ipv6";
}

std::string peer_address_field(Direction direction, Ethertype ethertype) {
  const bool in = direction == Direction::kIngress;
  if (ethertype == Ethertype::kIPv4) {
    return in ? "nw_src" : "nw_dst";
  }
  return in ? "ipv6_src" : "ipv6_dst";
}

std::vector<std::vector<std::string>> rule_matches(const FirewallRule& rule) {
  std::vector<std::string> base;
  base.push_back(rule.protocol ? protocol_match(*rule.protocol, rule.ethertype)
                               : ethertype_match(rule.ethertype));
  if (rule.remote_prefix) {
    base.push_back(peer_address_field(rule.direction, rule.ethertype) + "=" + *rule.remote_prefix);
  }
  if (!rule.protocol) {
    return {base};
  }
  if (is_icmp(*rule.protocol, rule.ethertype)) {
    // Neutron's ICMP rules put the type in port_range_min and the code in port_range_max.
    if (rule.port_min && *rule.port_min <= 255) {
      base.push_back("icmp_type=" + std::to_string(*rule.port_min));
      if (rule.port_max && *rule.port_max <= 255) {
        base.push_back("icmp_code=" + std::to_string(*rule.port_max));
      }
    }
    return {base};
  }
  // Other protocols with a "range" (udplite, dccp) have no port fields in OpenFlow: the rule
  // allows the whole protocol, as Neutron's OVS firewall does.
  if (!has_ports(*rule.protocol) || (!rule.port_min && !rule.port_max)) {
    return {base};
  }
  const std::uint16_t min = rule.port_min.value_or(0);
  const std::uint16_t max = rule.port_max.value_or(min);
  if (min > max) {
    return {};
  }
  if (min == 0 && max == 65535) {
    return {base};
  }
  std::vector<std::vector<std::string>> out;
  for (const auto& ports : port_range_masks(min, max)) {
    auto fields = base;
    fields.push_back("tp_dst=" + ports);
    out.push_back(std::move(fields));
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
