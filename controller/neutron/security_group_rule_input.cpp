#include "controller/neutron/security_group_rule_input.hpp"

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/ipam/ip_address.hpp"
#include "controller/neutron/ip_protocols.hpp"

namespace neutrino::neutron {
namespace {

std::string shown(const Json& value) {
  return value.is_null() ? "None" : json_prefix(value);
}

api::ApiError invalid_input(const std::string& type, const std::string& message) {
  return api::bad_request(message, type);
}

// Neutron's convert_validate_port_value: 0..65535, as a number or a numeric string.
std::optional<int64_t> port_value(const Json& attributes, const char* key) {
  const auto it = attributes.find(key);
  if (it == attributes.end() || it->is_null()) {
    return std::nullopt;
  }
  std::optional<int64_t> n;
  if (it->is_number_integer()) {
    n = it->get<int64_t>();
  } else if (it->is_string()) {
    const std::string text = it->get<std::string>();
    try {
      size_t used = 0;
      const long long v = std::stoll(text, &used);
      if (used == text.size()) {
        n = v;
      }
    } catch (const std::exception&) {
    }
  }
  if (!n || *n < 0 || *n > 65535) {
    throw invalid_input("SecurityGroupInvalidPortValue", "Invalid value for port " + shown(*it));
  }
  return n;
}

std::string ethertype_of(const Json& attributes) {
  const auto it = attributes.find("ethertype");
  if (it == attributes.end()) {
    return "IPv4";
  }
  if (it->is_string()) {
    std::string lower = it->get<std::string>();
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (lower == "ipv4") {
      return "IPv4";
    }
    if (lower == "ipv6") {
      return "IPv6";
    }
  }
  throw invalid_input("SecurityGroupRuleInvalidEtherType",
                      "Security group rule for ethertype '" + shown(*it) +
                          "' not supported. Allowed values are ['IPv4', 'IPv6'].");
}

// netaddr.IPNetwork's text: the address in canonical form with its mask, /32 or /128 added.
std::optional<std::string> ip_prefix_of(const Json& attributes) {
  const auto it = attributes.find("remote_ip_prefix");
  if (it == attributes.end() || it->is_null() ||
      (it->is_string() && it->get<std::string>() == "")) {
    return std::nullopt;
  }
  if (it->is_string()) {
    const std::string text = it->get<std::string>();
    const size_t slash = text.find('/');
    const auto address = ipam::IpAddress::parse(text.substr(0, slash));
    if (address) {
      int length = address->bits();
      bool ok = true;
      if (slash != std::string::npos) {
        const std::string digits = text.substr(slash + 1);
        ok = !digits.empty() && digits.size() <= 3 &&
             digits.find_first_not_of("0123456789") == std::string::npos;
        length = ok ? std::stoi(digits) : 0;
        ok = ok && length <= address->bits();
      }
      if (ok) {
        return address->to_string() + "/" + std::to_string(length);
      }
    }
  }
  throw api::bad_request("Invalid CIDR " + shown(*it) + " given as IP prefix.", "InvalidCIDR");
}

void check_port_range(const RuleInput& rule) {
  if (!rule.port_range_min && !rule.port_range_max) {
    return;
  }
  if (!rule.protocol) {
    throw invalid_input("SecurityGroupProtocolRequiredWithPorts",
                        "Must also specify protocol if port range is given.");
  }
  const auto number = protocol_number(rule.protocol, rule.ethertype);
  if (number && has_ports(*number)) {
    if (rule.port_range_min == 0 || rule.port_range_max == 0) {
      throw invalid_input("SecurityGroupInvalidPortValue", "Invalid value for port 0");
    }
    if (!rule.port_range_min || !rule.port_range_max ||
        *rule.port_range_min > *rule.port_range_max) {
      throw invalid_input("SecurityGroupInvalidPortRange",
                          "For TCP/UDP protocols, port_range_min must be <= port_range_max");
    }
  } else if (number == 1 || number == 58) {
    for (const auto& [value, attr, field] :
         {std::tuple{rule.port_range_min, "port_range_min", "type"},
          std::tuple{rule.port_range_max, "port_range_max", "code"}}) {
      if (value && *value > 255) {
        throw invalid_input("SecurityGroupInvalidIcmpValue",
                            std::string("Invalid value for ICMP ") + field + " (" + attr + ") " +
                                std::to_string(*value) + ". It must be 0 to 255.");
      }
    }
    if (!rule.port_range_min && rule.port_range_max) {
      throw invalid_input("SecurityGroupMissingIcmpType",
                          "ICMP code (port-range-max) " + std::to_string(*rule.port_range_max) +
                              " is provided but ICMP type (port-range-min) is missing.");
    }
  } else {
    throw invalid_input("SecurityGroupInvalidProtocolForPort",
                        "Ports cannot be specified for protocol " +
                            (number ? std::to_string(*number) : *rule.protocol) +
                            ". Ports are only supported for DCCP, SCTP, TCP, UDP, UDPLITE.");
  }
}

bool ipv6_only(const std::string& protocol) {
  for (const char* p : {"ipv6-encap", "ipv6-frag", "ipv6-icmp", "icmpv6", "ipv6-nonxt", "ipv6-opts",
                        "ipv6-route", "41", "44", "58", "59", "60", "43"}) {
    if (protocol == p) {
      return true;
    }
  }
  return false;
}

}  // namespace

RuleInput parse_rule_input(const Json& attributes) {
  RuleInput rule;
  rule.security_group_id = attributes["security_group_id"].get<std::string>();
  const Json& direction = attributes["direction"];
  if (!direction.is_string() ||
      (direction.get<std::string>() != "ingress" && direction.get<std::string>() != "egress")) {
    throw api::bad_request("Invalid input for direction. Reason: '" + shown(direction) +
                           "' is not in ['ingress', 'egress'].");
  }
  rule.direction = direction.get<std::string>();
  rule.protocol = convert_protocol(attributes.value("protocol", Json(nullptr)));
  rule.port_range_min = port_value(attributes, "port_range_min");
  rule.port_range_max = port_value(attributes, "port_range_max");
  rule.ethertype = ethertype_of(attributes);
  rule.remote_ip_prefix = ip_prefix_of(attributes);
  for (auto [key, field] : {std::pair{"remote_group_id", &rule.remote_group_id},
                            std::pair{"remote_address_group_id", &rule.remote_address_group_id}}) {
    if (attributes.contains(key) && attributes[key].is_string()) {
      *field = attributes[key].get<std::string>();
    }
  }
  rule.description = attributes.contains("description")
                         ? (attributes["description"].is_null()
                                ? std::nullopt
                                : std::optional(attributes["description"].get<std::string>()))
                         : std::optional<std::string>("");
  // Neutron names legacy ICMPv6 spellings the canonical way under IPv6.
  if (rule.ethertype == "IPv6" && rule.protocol) {
    if (*rule.protocol == "icmp" || *rule.protocol == "icmpv6") {
      rule.protocol = "ipv6-icmp";
    } else if (*rule.protocol == "1") {
      rule.protocol = "58";
    }
  }
  // The whole port range is no range at all.
  if (rule.port_range_min == 1 && rule.port_range_max == 65535) {
    rule.port_range_min.reset();
    rule.port_range_max.reset();
  }
  check_port_range(rule);
  if (rule.remote_ip_prefix) {
    const bool v6 = rule.remote_ip_prefix->find(':') != std::string::npos;
    if (rule.ethertype != (v6 ? "IPv6" : "IPv4")) {
      throw invalid_input(
          "SecurityGroupRuleParameterConflict",
          "Conflicting value ethertype " + rule.ethertype + " for CIDR " + *rule.remote_ip_prefix);
    }
  }
  if (rule.protocol && rule.ethertype == "IPv4" && ipv6_only(*rule.protocol)) {
    throw invalid_input("SecurityGroupEthertypeConflictWithProtocol",
                        "Invalid ethertype IPv4 for protocol " + *rule.protocol + ".");
  }
  if (int{rule.remote_ip_prefix.has_value()} + int{rule.remote_group_id.has_value()} +
          int{rule.remote_address_group_id.has_value()} >
      1) {
    throw invalid_input("SecurityGroupMultipleRemoteEntites",
                        "Only one of remote_ip_prefix or remote_group_id or "
                        "remote_address_group_id may be provided.");
  }
  return rule;
}

std::optional<std::string> normalized_cidr(const std::optional<std::string>& prefix) {
  if (!prefix) {
    return std::nullopt;
  }
  const auto cidr = ipam::Cidr::parse_masked(*prefix);
  return cidr ? std::optional(cidr->to_string()) : prefix;
}

std::string rule_key(const RuleInput& rule) {
  auto text = [](const auto& v) {
    if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::optional<int64_t>>) {
      return v ? std::to_string(*v) : std::string("+");
    } else {
      return v ? *v : std::string("+");
    }
  };
  const auto number = protocol_number(rule.protocol, rule.ethertype);
  const bool any_address = !rule.remote_ip_prefix || *rule.remote_ip_prefix == "0.0.0.0/0" ||
                           *rule.remote_ip_prefix == "::/0";
  return rule.direction + "_" + rule.ethertype + "_" + text(rule.port_range_max) + "_" +
         text(rule.port_range_min) + "_" +
         (number ? std::to_string(*number) : text(rule.protocol)) + "_" +
         text(rule.remote_group_id) + "_" + text(rule.remote_address_group_id) + "_" +
         (any_address ? "+" : *rule.remote_ip_prefix) + "_" + rule.security_group_id;
}

}  // namespace neutrino::neutron
