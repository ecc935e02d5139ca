#pragma once
// What binding a port to a host gives (the OVS mechanism driver's answer): vif_type "ovs" with
// the agent's bridge in vif_details when an alive, enabled Open vSwitch agent serves the host,
// "binding_failed" when none does, "unbound" without a host. The port's active binding and
// the inactive ones of binding-extended are bound alike.
#include <set>
#include <string>

#include "common/json.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct HostBinding {
  std::string vif_type;
  Json vif_details;
};

// portbindings.VNIC_TYPES: what binding:vnic_type (and a binding's vnic_type) may be.
const std::set<std::string>& vnic_types();

HostBinding bind_host(store::SqlSession& s, const agents::AgentService& agents,
                      const std::string& host);

}  // namespace neutrino::neutron
