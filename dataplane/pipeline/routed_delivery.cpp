#include "dataplane/pipeline/routed_delivery.hpp"

#include <string>

#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {

FlowText& deliver_to_local(FlowText& flow, const LocalPort& port) {
  if (!port.firewall) {
    return flow.action("output:" + std::to_string(port.ofport));
  }
  // Its ingress firewall, in the destination network's zone, outputs.
  return flow.action("set_field:" + std::to_string(port.ofport) + "->" + Registers::kDestination)
      .action("goto_table:" + std::to_string(IntegrationTables::kIngressConntrack));
}

FlowText& deliver_to_remote(FlowText& flow, const LocalNetwork& network, std::uint32_t uplink) {
  return flow.action("push_vlan:0x8100")
      .action(vlan_vid(network.lvid))
      .action("output:" + std::to_string(uplink));
}

}  // namespace neutrino::dataplane::pipeline
