#pragma once
// What one hypervisor needs to wire its ports, as a map from object key to object so two
// states can be diffed into a delta: "port:<id>" for ports bound to the host (MAC, fixed IPs,
// network, port security, admin state), "network:<id>" for their networks (segment, MTU),
// "subnet:<id>" for those networks' subnets (CIDR, gateway, DHCP settings), and
// "remote:<port id>" for every port of those networks bound elsewhere, with the tunnel IP of
// the host it lives behind, so the agent never floods to learn where a MAC is.
#include <string>

#include "common/channel/host_state.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::channel {

HostState build_host_state(store::SqlSession& s, const std::string& host);

}  // namespace neutrino::channel
