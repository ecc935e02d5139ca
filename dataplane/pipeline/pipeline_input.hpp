#pragma once
// Everything the pipeline compiler needs, gathered by the agent: the desired state the
// controller pushed, plus what only this host knows (which ports are plugged and where, the
// local VLAN ids it chose, the ofports of its patch and tunnel ports). The compiler does no
// I/O: the same input always yields the same flows.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "common/model/host_model.hpp"

namespace neutrino::dataplane::pipeline {

// One physical network of the bridge mappings ("physnet1:br-physnet1").
struct PhysnetWiring {
  std::string bridge;                      // the physnet bridge, "br-<physnet>"
  std::optional<std::uint32_t> int_patch;  // ofport of "int-<physnet>" on the integration bridge
  std::optional<std::uint32_t> phy_patch;  // ofport of "phy-<physnet>" on `bridge`
};

struct PipelineInput {
  // The host's desired state, typed (common/model): ports, networks, subnets, remote ports,
  // security, remote and address groups, routers and floating IPs. Borrowed, not copied (a
  // host's state can be large and the agent compiles after every change): it must outlive the
  // compile call. Null reads as an empty state.
  const model::HostModel* model = nullptr;
  // Carried by every flow, so the agent can dump and diff exactly its own flows.
  std::uint64_t cookie = 0;

  // Port id -> ofport on the integration bridge, for ports actually plugged there. A port of
  // the desired state that is missing here gets no flows (its traffic is dropped).
  std::map<std::string, std::uint32_t> local_ports;
  // Network id -> local VLAN id (1..4094), unique per network. Networks without one are not
  // compiled: the agent allocates an lvid before the network's first port is plugged.
  std::map<std::string, std::uint16_t> local_vlans;

  // False: Neutron's noop firewall driver. Ports keep anti-spoofing but get no security group
  // flows (and nothing goes through conntrack for them).
  bool security_groups = true;

  std::string integration_bridge = "br-int";
  std::optional<std::uint32_t> patch_tun;  // ofport of "patch-tun" on the integration bridge

  // Empty: no tunnel bridge on this host (no flows are compiled for it).
  std::string tunnel_bridge = "br-tun";
  std::optional<std::uint32_t> patch_int;  // ofport of "patch-int" on the tunnel bridge
  // Peer tunnel IP (as the remote ports spell it) -> ofport of its VXLAN port.
  std::map<std::string, std::uint32_t> tunnel_ports;

  // Physical network name -> its bridge and patch ports.
  std::map<std::string, PhysnetWiring> physnets;

  // This hypervisor's name, as routers' gateway.host names their gateway host.
  std::string host;
  // Router id -> the conntrack zone of its source NAT, for the routers whose gateway host this
  // is (the agent gives them ids from the lvid space, so no zone is shared with a network).
  std::map<std::string, std::uint16_t> snat_zones;
};

// The input's desired state; an empty one when it has none.
inline const model::HostModel& desired_model(const PipelineInput& input) {
  static const model::HostModel kEmpty;
  return input.model != nullptr ? *input.model : kEmpty;
}

}  // namespace neutrino::dataplane::pipeline
