#pragma once
// What this host says on the external networks it serves addresses on (floating IPs of its
// ports, gateways of the routers it is the gateway host of), as packets the agent sends once
// when it starts serving an address: a gratuitous ARP, so the physical network's switches and
// neighbours learn where the address (and its MAC) is now, and an ARP request for the external
// subnet's gateway from the address, whose answer the ARP-learning flows turn into the next
// hop's MAC (OpenFlow cannot make an ARP request out of the first packet that needs one).
#include <string>
#include <vector>

#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

// Packet-outs for the integration bridge (ovs-ofctl syntax), two per address, sorted.
std::vector<std::string> external_announcements(const PipelineInput& input);

// The two packet-outs for one address (exposed for the tests).
std::vector<std::string> announce(const ExternalAddress& address);

}  // namespace neutrino::dataplane::pipeline
