#pragma once
// Operator settings of the network API, with Neutron's defaults. Parsed by the controller's
// configuration (flags or INI: [ml2_type_vxlan] vni_ranges, [ml2_type_vlan]
// network_vlan_ranges, [ml2_type_flat] flat_networks, [DEFAULT] base_mac, global_physnet_mtu).
#include <string>

namespace neutrino::neutron {

struct NetworkSettings {
  std::string vni_ranges = "1:65535";
  std::string network_vlan_ranges;  // "physnet1:100:199,physnet2"
  std::string flat_networks = "*";  // "*" = any physical network
  std::string base_mac = "fa:16:3e:00:00:00";
  int global_physnet_mtu = 1500;
  int agent_down_time = 75;  // seconds without a heartbeat before an agent is shown dead
};

}  // namespace neutrino::neutron
