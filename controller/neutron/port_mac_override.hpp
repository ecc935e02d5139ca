#pragma once
// port-mac-override: a direct-physical port is a whole physical NIC (a PF) handed to the
// guest, so its MAC flows from the device to the port, not the other way round. Each time
// such a port's active binding changes, Nova's binding:profile "device_mac_address" becomes
// the port's MAC; without one (unbound, or removed from the profile) the port draws a fresh
// MAC, so that the device's MAC is not left on a port no longer using it (Neutron's ML2
// _commit_port_binding).
#include <optional>
#include <string>

#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct MacOverride {
  // The MAC the port takes; nullopt: draw a new one.
  std::optional<std::string> mac;
};

// What the port's current active binding asks of its MAC: nothing unless it is direct-physical.
// Throws 400 for a device_mac_address that is not a unicast MAC.
std::optional<MacOverride> mac_override(store::SqlSession& s, const std::string& port_id);

}  // namespace neutrino::neutron
