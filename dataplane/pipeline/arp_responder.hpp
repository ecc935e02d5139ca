#pragma once
// Integration table kArpResponder: ARP requests for any address known on the network (local
// and remote ports) are answered in place, from the flow table, so no ARP broadcast leaves
// the host for them. Only frames from local ports come here.
#include <cstdint>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

void add_arp_responder_flows(const LocalNetwork& network, std::uint64_t cookie, FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
