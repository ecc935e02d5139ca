#include "dataplane/pipeline/tunnel_bridge.hpp"

#include <set>
#include <string>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/pair_macs.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/source_nat.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = TunnelTables;
constexpr std::uint16_t kClassified = 100;
constexpr std::uint16_t kKnownMac = 100;
constexpr std::uint16_t kFlood = 50;
constexpr std::uint16_t kKnownVni = 100;

std::string go(std::uint8_t table) {
  return "goto_table:" + std::to_string(table);
}

void outbound(const LocalNetwork& network, const PipelineInput& input, FlowSet& flows) {
  const std::string lvid = "dl_vlan=" + std::to_string(network.lvid);
  const std::string vni = "set_field:" + hex(*network.segmentation_id) + "->tun_id";
  std::set<std::uint32_t> hosts;  // the VXLAN ports of peers with a port on this network
  for (const auto& remote : network.remotes) {
    const auto port = input.tunnel_ports.find(remote.tunnel_ip);
    if (port == input.tunnel_ports.end()) {
      continue;  // no VXLAN port to that host yet
    }
    hosts.insert(port->second);
    flows.add(FlowText(input.cookie, T::kToTunnels, kKnownMac)
                  .match(lvid)
                  .match("dl_dst=" + remote.mac)
                  .action("pop_vlan")
                  .action(vni)
                  .action("output:" + std::to_string(port->second)));
  }
  for (const auto& [mac, remote] : unique_pair_macs(network).remote) {
    const auto port = input.tunnel_ports.find(remote->tunnel_ip);
    if (port != input.tunnel_ports.end()) {
      flows.add(FlowText(input.cookie, T::kToTunnels, kKnownMac)
                    .match(lvid)
                    .match("dl_dst=" + mac)
                    .action("pop_vlan")
                    .action(vni)
                    .action("output:" + std::to_string(port->second)));
    }
  }
  if (hosts.empty()) {
    return;  // nobody to flood to: the table's drop flow takes it
  }
  FlowText flood(input.cookie, T::kToTunnels, kFlood);
  flood.match(lvid).action("pop_vlan").action(vni);
  for (const auto port : hosts) {
    flood.action("output:" + std::to_string(port));
  }
  flows.add(flood);
}

}  // namespace

FlowSet compile_tunnel_bridge(const std::vector<LocalNetwork>& networks,
                              const PipelineInput& input) {
  FlowSet flows;
  const auto cookie = input.cookie;
  if (input.patch_int) {
    flows.add(FlowText(cookie, T::kClassify, kClassified)
                  .match("in_port=" + std::to_string(*input.patch_int))
                  .action(go(T::kToTunnels)));
    for (const auto& [ip, port] : input.tunnel_ports) {
      flows.add(FlowText(cookie, T::kClassify, kClassified)
                    .match("in_port=" + std::to_string(port))
                    .action(go(T::kFromTunnels)));
    }
    for (const auto& network : networks) {
      if (network.type != NetworkType::kVxlan || !network.segmentation_id) {
        continue;
      }
      outbound(network, input, flows);
      // Any peer may send any VNI present here; an unknown VNI falls to the drop flow.
      flows.add(FlowText(cookie, T::kFromTunnels, kKnownVni)
                    .match("tun_id=" + hex(*network.segmentation_id))
                    .action("push_vlan:0x8100")
                    .action(vlan_vid(network.lvid))
                    .action("output:" + std::to_string(*input.patch_int)));
    }
  }
  if (input.patch_int && input.model) {
    const auto routers = build_local_routers(*input.model, networks);
    add_gateway_tunnel_flows(build_local_gateways(input, networks, routers), input, flows);
  }
  for (const auto table : {T::kClassify, T::kToTunnels, T::kFromTunnels}) {
    flows.add(FlowText(cookie, table, 0));
  }
  return flows;
}

}  // namespace neutrino::dataplane::pipeline
