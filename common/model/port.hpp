#pragma once
// A port bound to the host ("port:<id>"): what the agent wires, filters and serves DHCP for.
#include <string>
#include <vector>

#include "common/model/nullable.hpp"
#include "common/model/port_options.hpp"

namespace neutrino::model {

struct FixedIp {
  std::string subnet_id;
  std::string ip_address;
  bool operator==(const FixedIp&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(FixedIp, subnet_id, ip_address)

struct Port {
  std::string id;
  std::string network_id;
  std::string mac_address;
  bool admin_state_up = true;
  bool port_security_enabled = true;
  std::string device_owner;
  std::string device_id;
  std::string project_id;
  std::vector<FixedIp> fixed_ips;                  // by subnet, then address
  std::vector<std::string> security_groups;        // ids, sorted
  std::vector<AddressPair> allowed_address_pairs;  // in the order the user gave
  std::vector<ExtraDhcpOpt> extra_dhcp_opts;       // in the order the user added them
  bool operator==(const Port&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Port, id, network_id, mac_address, admin_state_up,
                                   port_security_enabled, device_owner, device_id, project_id,
                                   fixed_ips, security_groups, allowed_address_pairs,
                                   extra_dhcp_opts)

}  // namespace neutrino::model
