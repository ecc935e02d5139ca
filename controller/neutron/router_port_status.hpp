#pragma once
// The status of a router's interface ports. A router here is distributed: every host that
// holds one of its networks routes for it from the desired state (docs/routers.md), so no
// single agent wires an interface and reports it up, as Neutron's L3 agent does. Like OVN's
// distributed router ports, an interface is ACTIVE once it is in the desired state of an
// enabled router, and DOWN while the router is administratively down.
#include <string>

#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class RouterPortStatus {
 public:
  // Brings the router's interface ports to the status its admin_state_up implies; bumps the
  // revision (and journals) only the ports that change.
  static void sync(store::SqlSession& s, const std::string& router_id);
};

}  // namespace neutrino::neutron
