#pragma once
// Integration table kPortSecurity: what a secured port may send. Only its own MAC as source,
// only its fixed IPs (and its IPv6 link-local address) as IP source, ARP and IPv6 neighbour
// discovery only about itself, DHCP discovery from 0.0.0.0; everything else it sends is
// dropped. Anti-spoofing only: security groups are a later table.
#include <cstdint>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

void add_port_security_flows(const LocalPort& port, std::uint64_t cookie, FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
