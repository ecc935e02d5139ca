#pragma once
// Integration table kArpResponder, for the routers this host holds: each interface answers ARP
// for its address on its own network, and ICMP echo requests sent to its MAC for any of the
// router's addresses (as OVN's logical routers do), from the flow table. Only frames from
// local ports reach the table, so every host holding the router answers its own guests.
#include <cstdint>
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_router.hpp"

namespace neutrino::dataplane::pipeline {

void add_router_responder_flows(const std::vector<LocalRouter>& routers, std::uint64_t cookie,
                                FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
