#pragma once
// Integration tables kEgressConntrack/kEgressRules and kIngressConntrack/kIngressRules: the
// stateful firewall of ports with security groups, after Neutron's openvswitch firewall
// driver (docs/pipeline.md). IP traffic of a firewalled port goes through conntrack in its
// network's zone; established and related packets pass, invalid ones are dropped, and a new
// connection passes (and is committed) only if one of the port's rules allows it.
#include <cstdint>
#include <vector>

#include "common/model/host_model.hpp"
#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"

namespace neutrino::dataplane::pipeline {

// All networks at once: remote-group address clauses are shared by every port and network.
void add_security_group_flows(const std::vector<LocalNetwork>& networks,
                              const model::HostModel& model, std::uint64_t cookie, FlowSet& flows);

}  // namespace neutrino::dataplane::pipeline
