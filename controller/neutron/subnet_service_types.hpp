#pragma once
// subnet-service-types: a subnet's service_types (device owners, Neutron's
// subnet_service_types table) and the choice Neutron's IPAM makes with them: a port gets
// addresses only from subnets without service types or with one equal to its device_owner
// (a DHCP port from any DHCP-enabled subnet), service subnets first.
#include <map>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/neutron/subnet_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class SubnetServiceTypes {
 public:
  // Throws 400 unless `value` is a list of strings that look like device owners.
  static void validate(const Json& value);
  // Makes the subnet's service types exactly `value` (already validated).
  static void replace(store::SqlSession& s, const std::string& subnet_id, const Json& value);
  // Subnet id -> its service types, in the order given; every subnet when `subnet_id` is "".
  static std::map<std::string, Json> load(store::SqlSession& s, const std::string& subnet_id);
  // The network's subnets a port with `device_owner` may take addresses from, service subnets
  // first; 409 IpAddressGenerationFailureNoMatchingSubnet when the network has subnets but
  // none of them qualifies.
  static std::vector<SubnetInfo> eligible(store::SqlSession& s, std::vector<SubnetInfo> subnets,
                                          const std::string& network_id,
                                          const std::string& device_owner);
};

}  // namespace neutrino::neutron
