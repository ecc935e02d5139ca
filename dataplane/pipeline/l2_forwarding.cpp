#include "dataplane/pipeline/l2_forwarding.hpp"

#include <string>

#include "dataplane/pipeline/pair_macs.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kKnownMac = 100;
constexpr std::uint16_t kFlood = 10;

}  // namespace

// OpenFlow never outputs a frame to the port it came in on (that takes an explicit IN_PORT),
// which these flows rely on: a flood skips the sender, and a frame from the uplink addressed
// to another host is not sent back up.
void add_l2_forwarding_flows(const LocalNetwork& network, std::optional<std::uint32_t> uplink,
                             std::uint64_t cookie, FlowSet& flows) {
  const std::string lvid = std::string(Registers::kNetwork) + "=" + std::to_string(network.lvid);
  const auto to_uplink = [&](FlowText& flow) {
    flow.action("push_vlan:0x8100")
        .action(vlan_vid(network.lvid))
        .action("output:" + std::to_string(*uplink));
  };
  const auto to_port = [&](const LocalPort& port, const std::string& mac) {
    FlowText flow(cookie, T::kForwarding, kKnownMac);
    flow.match(lvid).match("dl_dst=" + mac);
    if (port.firewall) {  // through its ingress firewall, which outputs
      flow.action("set_field:" + std::to_string(port.ofport) + "->" + Registers::kDestination)
          .action("goto_table:" + std::to_string(T::kIngressConntrack));
    } else {
      flow.action("output:" + std::to_string(port.ofport));
    }
    flows.add(flow);
  };
  const auto to_remote = [&](const std::string& mac) {
    FlowText flow(cookie, T::kForwarding, kKnownMac);
    flow.match(lvid).match("dl_dst=" + mac);
    to_uplink(flow);
    flows.add(flow);
  };
  for (const auto& port : network.ports) {
    to_port(port, port.mac);
  }
  if (uplink) {
    for (const auto& remote : network.remotes) {
      to_remote(remote.mac);
    }
  }
  // Allowed address pairs' own MACs, after the ports' (which win should they collide).
  const PairMacHolders pairs = unique_pair_macs(network);
  for (const auto& [mac, port] : pairs.local) {
    to_port(*port, mac);
  }
  if (uplink) {
    for (const auto& held : pairs.remote) {
      to_remote(held.first);
    }
  }
  for (const int from_remote : {0, 1}) {
    FlowText flow(cookie, T::kForwarding, kFlood);
    flow.match(lvid).match(std::string(Registers::kFromRemote) + "=" + std::to_string(from_remote));
    for (const auto& port : network.ports) {
      flow.action("output:" + std::to_string(port.ofport));
    }
    // What came from another host was flooded there already: sending it back up would loop.
    if (uplink && !from_remote) {
      to_uplink(flow);
    }
    flows.add(flow);
  }
}

}  // namespace neutrino::dataplane::pipeline
