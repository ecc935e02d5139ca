#pragma once
// The compiled view of the floating IPs this host NATs: those whose
// port is plugged here, on a network compiled here, behind a router that is up, has an
// interface on the port's subnet and its gateway on the floating IP's network, that network
// being compiled here with an uplink (the host has its physnet). The floating IP's flows are
// built from this, as the routing ones are from LocalRouter.
#include <string>
#include <vector>

#include "common/model/host_model.hpp"
#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/local_router.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

struct LocalFloatingIp {
  // The floating address with the floating IP port's MAC, on the floating IP's network.
  ExternalAddress floating;
  std::string fixed_ip;                 // the port's address it maps to
  const LocalPort* port = nullptr;      // the associated port, plugged here
  const LocalRouter* router = nullptr;  // the router joining the port to the external network
  const RouterLeg* leg = nullptr;       // its interface on the port's subnet
};

// By floating IP id. Malformed objects and those this host cannot serve are left out.
std::vector<LocalFloatingIp> build_local_floating_ips(const PipelineInput& input,
                                                      const std::vector<LocalNetwork>& networks,
                                                      const std::vector<LocalRouter>& routers);

}  // namespace neutrino::dataplane::pipeline
