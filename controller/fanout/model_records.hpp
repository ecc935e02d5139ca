#pragma once
// The rows the fan-out model keeps per object, as loaded from the store: the typed object of
// common/model plus what decides where it goes (a port's host, an instance's host).
#include <optional>
#include <set>
#include <string>

#include "common/model/instance.hpp"
#include "common/model/network.hpp"
#include "common/model/port.hpp"
#include "common/model/security_group.hpp"
#include "common/model/subnet.hpp"

namespace neutrino::fanout {

struct PortRecord {
  model::Port port;
  std::string host;  // binding:host_id, "" when unbound
  bool operator==(const PortRecord&) const = default;
};

struct InstanceRecord {
  model::Instance instance;
  std::string host;
  std::set<std::string> networks;  // of its ports: their MTU is part of the object
  bool operator==(const InstanceRecord&) const = default;
};

// Distinct remote_group_id values of a group's rules.
std::set<std::string> remote_groups_of(const model::SecurityGroup& group);
// Distinct remote_address_group_id values of a group's rules.
std::set<std::string> address_groups_of(const model::SecurityGroup& group);

}  // namespace neutrino::fanout
