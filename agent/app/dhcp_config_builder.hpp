#pragma once
// Builds one network's DHCP server configuration from the host's desired state: the subnets
// with DHCP enabled (gateway, DNS, host routes, the DHCP port's address in each), the MTU,
// and the ports of this host on that network (MAC -> fixed IP). Only this host's ports are
// served here: every host with ports on the network runs its own server, and answering only
// local ports keeps a client from getting an offer from every host.
#include "agent/app/dhcp_namespaces.hpp"
#include "common/model/host_model.hpp"
#include "dhcp/dhcp_server_config.hpp"

namespace neutrino::agent {

dhcp::DhcpServerConfig build_dhcp_config(const DhcpEndpoint& endpoint,
                                         const model::HostModel& state);

}  // namespace neutrino::agent
