#pragma once
// What one hypervisor needs to wire its ports, as a map from object key to object so two
// states can be diffed into a delta: "port:<id>" for ports bound to the host (MAC, fixed IPs,
// network, port security, admin state), "network:<id>" for their networks (segment, MTU),
// "subnet:<id>" for those networks' subnets (CIDR, gateway, DHCP settings), and
// "remote:<port id>" for every port of those networks bound elsewhere, with the tunnel IP of
// the host it lives behind, so the agent never floods to learn where a MAC is.
// Security groups: each port lists its "security_groups" (ids, sorted); every group of those
// ports is "security_group:<id>" {id, stateful, rules sorted by id, each {id, direction,
// ethertype, protocol (IP protocol number or null), port_range_min/max, remote_ip_prefix
// (normalized CIDR or null), remote_group_id, remote_address_group_id}}; every group those rules
// name as remote is "remote_group:<id>" {id, addresses: the fixed IPs of all its member ports on
// any host, sorted}; every address group they name is "address_group:<id>" {id, addresses: its
// CIDRs, sorted}.
// Compute: "instance:<uuid>" for the instances placed on the host (instance_objects.hpp).
// L3: "router:<id>" and "floatingip:<id>" for the routers on its networks (router_objects.hpp).
#include <string>

#include "common/channel/host_state.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::channel {

HostState build_host_state(store::SqlSession& s, const std::string& host);

}  // namespace neutrino::channel
