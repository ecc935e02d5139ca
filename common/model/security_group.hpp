#pragma once
// A security group of one of the host's ports ("security_group:<id>"), its rules in the
// agent's terms: IP protocol numbers and normalized prefixes.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct SecurityGroupRule {
  std::string id;
  std::string direction;  // "ingress" or "egress"
  std::string ethertype;  // "IPv4" or "IPv6"
  std::optional<int64_t> protocol;
  std::optional<int64_t> port_range_min;
  std::optional<int64_t> port_range_max;
  std::optional<std::string> remote_ip_prefix;
  std::optional<std::string> remote_group_id;
  std::optional<std::string> remote_address_group_id;
  bool operator==(const SecurityGroupRule&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SecurityGroupRule, id, direction, ethertype, protocol,
                                   port_range_min, port_range_max, remote_ip_prefix,
                                   remote_group_id, remote_address_group_id)

struct SecurityGroup {
  std::string id;
  bool stateful = true;
  std::vector<SecurityGroupRule> rules;  // by id
  bool operator==(const SecurityGroup&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(SecurityGroup, id, stateful, rules)

}  // namespace neutrino::model
