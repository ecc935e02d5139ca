#pragma once
// The typed view of the floating IPs this host NATs ("floatingip:<id>" objects): those whose
// port is plugged here, on a network compiled here, behind a router that is up, has an
// interface on the port's subnet and its gateway on the floating IP's network, that network
// being compiled here with an uplink (the host has its physnet). The floating IP's flows are
// built from this, as the routing ones are from LocalRouter.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/channel/host_state.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/local_router.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// Where a packet leaving on the external network goes: straight to its destination inside the
// gateway's subnet, else to the subnet's gateway address (when it has one).
struct ExternalNextHop {
  std::string cidr;                       // the gateway's subnet, as a flow field value
  std::optional<std::string> gateway_ip;  // the subnet's gateway_ip
};

struct LocalFloatingIp {
  std::string ip;                          // the floating address
  std::string mac;                         // the floating IP port's MAC, lower case
  std::string fixed_ip;                    // the port's address it maps to
  const LocalPort* port = nullptr;         // the associated port, plugged here
  const LocalRouter* router = nullptr;     // the router joining the port to the external network
  const RouterLeg* leg = nullptr;          // its interface on the port's subnet
  const LocalNetwork* external = nullptr;  // the floating IP's network
  std::uint32_t uplink = 0;                // the external network's br-int uplink
  ExternalNextHop next_hop;
};

// By floating IP id. Malformed objects and those this host cannot serve are left out.
std::vector<LocalFloatingIp> build_local_floating_ips(const PipelineInput& input,
                                                      const std::vector<LocalNetwork>& networks,
                                                      const std::vector<LocalRouter>& routers);

}  // namespace neutrino::dataplane::pipeline
