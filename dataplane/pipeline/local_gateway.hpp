#pragma once
// The typed view of the gateways of the routers this host holds (`gateway` of a
// "router:<id>" object), on the host the controller chose for it (gateway.host). With
// enable_snat that host NATs what the router's ports send outside through the gateway address,
// in a conntrack zone of the router's own; without, it routes their packets out unchanged and
// the answers back. Every other host holding the router sends such packets to it over the
// VXLAN network they came from (docs/pipeline.md, "Source NAT").
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/host_model.hpp"
#include "common/model/router.hpp"
#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/local_router.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

struct LocalGateway {
  const LocalRouter* router = nullptr;
  bool here = false;  // this host is the gateway host
  bool snat = true;   // enable_snat; without, the router's addresses are routed unchanged
  std::string external_network_id;
  // On the gateway host: the gateway address on the external network and, with source NAT, the
  // router's zone.
  ExternalAddress address;
  std::uint16_t zone = 0;
  // On the others: the VXLAN port to the gateway host.
  std::optional<std::uint32_t> tunnel_port;
  // The gateway port's MAC, lower case, or "" if malformed: on a VLAN or flat network the
  // others send packets for outside to it, since the physical network can take a frame to one
  // host only by a MAC that only that host sends from.
  std::string transit_mac;
};

// Whether the other hosts reach the gateway host from `network` (a leg of the router) through
// the physical network's switches, addressed to the gateway port's MAC: a VLAN or flat network
// other than the external one.
bool steered_by_gateway_mac(const LocalGateway& gateway, const LocalNetwork& network);

// Routers with a gateway that this host serves or steers to, by router id. Left out: routers
// without a gateway host, with malformed gateways, and on the gateway host those whose
// external network is not compiled here with an uplink or that (with source NAT) have no zone
// yet.
std::vector<LocalGateway> build_local_gateways(const PipelineInput& input,
                                               const std::vector<LocalNetwork>& networks,
                                               const std::vector<LocalRouter>& routers);

// The next hops on the gateway's external subnet: its gateway_ip (from the state's subnets)
// and those of the router's routes.
std::optional<ExternalNextHop> external_next_hop(const model::HostModel& model,
                                                 const model::RouterGateway& gateway,
                                                 const LocalRouter& router);

}  // namespace neutrino::dataplane::pipeline
