#pragma once
// Gives a port its fixed IPs following Neutron's rules: no request means one address from the
// first subnet of each IP version that has room; {"subnet_id"} means any free address of that
// subnet; {"ip_address"} means exactly that address, which must be free. Addresses are picked
// at random among the free ones of the pools, and the (ip_address, subnet_id) primary key of
// ipallocations is what makes a double allocation impossible: a lost race is a constraint
// violation, retried with another candidate, never a check-then-insert.
//
// SLAAC and DHCPv6-stateless subnets are Neutron's "automatic address" subnets: every port on
// the network (router interfaces aside) gets the EUI-64 address of its MAC on each of them,
// whatever fixed_ips says, and an address cannot be chosen there.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct FixedIp {
  std::string subnet_id;
  std::string ip_address;
};

class IpAllocator {
 public:
  // `requested` is the fixed_ips attribute, or nullopt when the request did not name it.
  // `previous` are the port's addresses before an update; they are kept where the request
  // still asks for them. Replaces the port's rows in ipallocations.
  static std::vector<FixedIp> assign(store::SqlSession& s, const std::string& port_id,
                                     const std::string& network_id,
                                     const std::optional<Json>& requested,
                                     const std::vector<FixedIp>& previous = {});

  static std::vector<FixedIp> of_port(store::SqlSession& s, const std::string& port_id);

  // Gives every port already on the subnet's network (router interfaces aside) its EUI-64
  // address on the new automatic-address subnet `subnet_id`, as Neutron does on subnet create.
  static void add_automatic_addresses(store::SqlSession& s, const std::string& subnet_id);
  // Recomputes the port's EUI-64 addresses after its MAC changed, as Neutron does.
  static void refresh_automatic_addresses(store::SqlSession& s, const std::string& port_id,
                                          const std::string& network_id);
};

}  // namespace neutrino::neutron
