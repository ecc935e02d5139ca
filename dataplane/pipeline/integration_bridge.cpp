#include "dataplane/pipeline/integration_bridge.hpp"

#include <string>

#include "dataplane/pipeline/arp_responder.hpp"
#include "dataplane/pipeline/east_west_routing.hpp"
#include "dataplane/pipeline/floating_ip_nat.hpp"
#include "dataplane/pipeline/l2_forwarding.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/port_security.hpp"
#include "dataplane/pipeline/router_responder.hpp"
#include "dataplane/pipeline/security_group_flows.hpp"
#include "dataplane/pipeline/source_nat.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kClassified = 100;
// A guest sends untagged frames only (an access port). A tag of its own would ride inside our
// lvid tag, and a flat network's bridge strips only ours: the guest would reach that VLAN of
// the physical network.
constexpr const char* kUntagged = "vlan_tci=0x0000/0x1fff";

void classify(const LocalNetwork& network, std::optional<std::uint32_t> uplink,
              std::uint64_t cookie, FlowSet& flows) {
  for (const auto& port : network.ports) {
    const auto next = port.secured ? T::kPortSecurity : T::kArpResponder;
    flows.add(FlowText(cookie, T::kClassify, kClassified)
                  .match("in_port=" + std::to_string(port.ofport))
                  .match(kUntagged)
                  .action(set_register(Registers::kNetwork, network.lvid))
                  .action("goto_table:" + std::to_string(next)));
  }
  // From other hosts: only this network's lvid on this network's uplink. The ARP responder
  // and port security are for local senders; the remote host applied its own.
  if (uplink) {
    flows.add(FlowText(cookie, T::kClassify, kClassified)
                  .match("in_port=" + std::to_string(*uplink))
                  .match("dl_vlan=" + std::to_string(network.lvid))
                  .action("pop_vlan")
                  .action(set_register(Registers::kNetwork, network.lvid))
                  .action(set_register(Registers::kFromRemote, 1))
                  .action("goto_table:" + std::to_string(T::kForwarding)));
  }
}

}  // namespace

FlowSet compile_integration_bridge(const std::vector<LocalNetwork>& networks,
                                   const PipelineInput& input) {
  FlowSet flows;
  const auto cookie = input.cookie;
  for (const auto& network : networks) {
    const auto uplink = integration_uplink(network, input);
    classify(network, uplink, cookie, flows);
    for (const auto& port : network.ports) {
      if (port.secured) {
        add_port_security_flows(port, cookie, flows);
      }
    }
    add_arp_responder_flows(network, cookie, flows);
    add_l2_forwarding_flows(network, uplink, cookie, flows);
  }
  // Whatever no flow above claims is dropped, in every table: an explicit lowest-priority
  // flow rather than the table-miss default, so a trace or a dump shows the decision.
  for (const auto table : {T::kClassify, T::kPortSecurity, T::kForwarding}) {
    flows.add(FlowText(cookie, table, 0));
  }
  flows.add(FlowText(cookie, T::kArpResponder, 0)
                .action("goto_table:" + std::to_string(T::kEgressConntrack)));
  const model::HostModel& model = desired_model(input);
  add_security_group_flows(networks, model, cookie, flows);
  // After the networks' own flows, so a port's ARP answer wins over a router's for one address.
  const auto routers = build_local_routers(model, networks);
  add_router_responder_flows(routers, cookie, flows);
  add_east_west_routing_flows(routers, input, flows);
  add_floating_ip_flows(build_local_floating_ips(input, networks, routers), input, flows);
  add_source_nat_flows(build_local_gateways(input, networks, routers), input, flows);
  return flows;
}

}  // namespace neutrino::dataplane::pipeline
