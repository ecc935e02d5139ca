#pragma once
// Neutron's network-ip-availability extension: per network and per subnet, how many addresses
// the allocation pools hold (total_ips) and how many are allocated (used_ips), computed as
// Neutron's network_ip_availability_db does (every allocation on the subnet counts, pools or
// not). Admin only, as Neutron's policy has it.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class IpAvailabilityService {
 public:
  // Every network's availability; with `ip_versions`, only subnets of those versions count
  // (the networks are listed still, as Neutron's outer join lists them).
  static std::vector<Json> list(store::SqlSession& s, const std::vector<int>& ip_versions = {});
  // One network's; nullopt when there is no such network.
  static std::optional<Json> show(store::SqlSession& s, const std::string& network_id);
};

}  // namespace neutrino::neutron
