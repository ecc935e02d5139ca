#pragma once
// A security group rule request converted and checked the way Neutron's attribute converters
// and SecurityGroupDbMixin._validate_security_group_rule do it, before any lookup in the store.
#include <optional>
#include <string>

#include "common/json.hpp"

namespace neutrino::neutron {

struct RuleInput {
  std::string security_group_id;
  std::string direction;
  std::string ethertype = "IPv4";
  std::optional<std::string> protocol;  // as stored and shown: "tcp", "6", ...
  std::optional<int64_t> port_range_min;
  std::optional<int64_t> port_range_max;
  std::optional<std::string> remote_ip_prefix;  // "10.0.0.5/24" as given, with its mask
  std::optional<std::string> remote_group_id;
  std::optional<std::string> remote_address_group_id;
  std::optional<std::string> description;
};

// Throws api::ApiError (400) with Neutron's types: SecurityGroupRuleInvalidProtocol,
// SecurityGroupInvalidPortValue, SecurityGroupInvalidPortRange, InvalidCIDR, ...
RuleInput parse_rule_input(const Json& attributes);

// "10.0.0.0/24" for "10.0.0.5/24": the prefix with host bits cleared.
std::optional<std::string> normalized_cidr(const std::optional<std::string>& prefix);

// What makes two rules of a group the same for Neutron's duplicate check: protocol by number,
// 0.0.0.0/0 and ::/0 the same as no prefix.
std::string rule_key(const RuleInput& rule);

}  // namespace neutrino::neutron
