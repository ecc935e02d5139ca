#pragma once
// What this host says on the external networks it serves addresses on (floating IPs of its
// ports, gateways of the routers it is the gateway host of), as packets the agent sends when it
// starts serving an address, and repeats (agent/app/announcement_schedule.hpp): a gratuitous
// ARP, so the physical network's switches and neighbours learn where the address (and its MAC)
// is now, and an ARP request for the external subnet's gateway from the address, whose answer
// the ARP-learning flows turn into the next hop's MAC (OpenFlow cannot make an ARP request out
// of the first packet that needs one). A gateway host also shows the switches of the router's
// VLAN and flat networks where the gateway port's MAC is.
#include <string>
#include <vector>

#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/local_gateway.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// Packet-outs for the integration bridge (ovs-ofctl syntax), two or more per address, and on a
// gateway host one per VLAN or flat network the others reach it from (announce_gateway_mac),
// sorted.
std::vector<std::string> external_announcements(const PipelineInput& input);

// The packet-outs for one address (exposed for the tests): the gratuitous ARP, then a request
// for each next hop (the subnet's gateway, the router's routes').
std::vector<std::string> announce(const ExternalAddress& address);

// On the gateway host: a frame from the gateway port's MAC on each VLAN or flat network of the
// router, so the switches there learn where the other hosts' packets for outside must go
// (else they flood them to every host of the network).
std::vector<std::string> announce_gateway_mac(const LocalGateway& gateway,
                                              const PipelineInput& input);

}  // namespace neutrino::dataplane::pipeline
