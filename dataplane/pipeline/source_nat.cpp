#include "dataplane/pipeline/source_nat.hpp"

#include <string>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/external_link.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/routed_delivery.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
// In kForwarding, as the east-west dispatch: other hosts' packets for outside.
constexpr std::uint16_t kToRouter = 110;
constexpr std::uint16_t kTransitDrop = 100;  // below kToRouter, as a local port's MAC
// In kRouting, below floating IPs: what no route and no floating IP claims.
constexpr std::uint16_t kSourceNat = 40;
constexpr std::uint16_t kNat = 100;
constexpr std::uint16_t kKnownMac = 100;  // as br-tun's remote MACs

std::string zone(const LocalGateway& gateway) {
  return "zone=" + std::to_string(gateway.zone);
}
FlowText to_outside(const RouterLeg& leg, std::uint64_t cookie) {
  FlowText flow(cookie, T::kRouting, kSourceNat);
  flow.match(network_match(*leg.network)).match("dl_dst=" + leg.mac).match("ip");
  return flow;
}

FlowText from_other_hosts(const LocalNetwork& network, const std::string& mac,
                          std::uint16_t priority, std::uint64_t cookie) {
  FlowText flow(cookie, T::kForwarding, priority);
  flow.match(network_match(network))
      .match(std::string(Registers::kFromRemote) + "=1")
      .match("dl_dst=" + mac);
  return flow;
}

// Whatever else reaches a host for the gateway port's MAC on a tenant network (not IP, or on a
// host that is not the gateway host) stops here rather than being flooded to its ports.
void drop_transit(const LocalGateway& gateway, const LocalNetwork& network, std::uint64_t cookie,
                  FlowSet& flows) {
  if (steered_by_gateway_mac(gateway, network)) {
    flows.add(from_other_hosts(network, gateway.transit_mac, kTransitDrop, cookie).action("drop"));
  }
}

// Other hosts' packets for outside are routed here as the local ports' are (those of a VLAN or
// flat network given back the interface's MAC); the router's own subnets never take the way out.
void towards_outside(const LocalGateway& gateway, const RouterLeg& leg, std::uint64_t cookie,
                     FlowSet& flows) {
  const auto& network = *leg.network;
  const auto to_routing = "goto_table:" + std::to_string(T::kRouting);
  flows.add(from_other_hosts(network, leg.mac, kToRouter, cookie).match("ip").action(to_routing));
  if (steered_by_gateway_mac(gateway, network)) {
    flows.add(from_other_hosts(network, gateway.transit_mac, kToRouter, cookie)
                  .match("ip")
                  .match("nw_src=" + leg.subnet())  // the leg, if the network has several
                  .action("set_field:" + leg.mac + "->eth_dst")
                  .action(to_routing));
  }
  drop_transit(gateway, network, cookie, flows);
  add_own_subnet_drops(*gateway.router, network, cookie, flows);
}

// What the leg's network sends outside, from here or from other hosts, is NATed to the gateway
// address (only from the leg's subnet: after NAT the source is the gateway's, which also stops
// the recirculated packet from being NATed again).
void out_of_leg(const LocalGateway& gateway, const RouterLeg& leg, std::uint64_t cookie,
                FlowSet& flows) {
  const auto network = network_match(*leg.network);
  towards_outside(gateway, leg, cookie, flows);
  flows.add(
      to_outside(leg, cookie)
          .action("ct(" + zone(gateway) + ",nat,table=" + std::to_string(T::kSourceNatOut) + ")"));
  flows.add(FlowText(cookie, T::kSourceNatOut, kNat)
                .match(network)
                .match("dl_dst=" + leg.mac)
                .match("ct_state=+new+trk")
                .match("ip")
                .match("nw_src=" + leg.subnet())
                .action("ct(commit," + zone(gateway) + ",nat(src=" + gateway.address.ip +
                        "),table=" + std::to_string(T::kSourceNatOut) + ")"));
  FlowText out(cookie, T::kSourceNatOut, kNat);
  out.match(network)
      .match("dl_dst=" + leg.mac)
      .match("ct_state=-inv+trk")
      .match("ip")
      .match("nw_src=" + gateway.address.ip);
  flows.add(send_out_from(out, gateway.address));
}

// A reply, its destination restored by conntrack, goes to the port holding that address; so
// does, without source NAT, whatever the link sent to it through the gateway.
FlowText reply_to(const LocalGateway& gateway, const RouterLeg& leg, const std::string& ip,
                  const std::string& mac, std::uint64_t cookie) {
  FlowText flow(cookie, T::kSourceNatIn, kNat);
  flow.match(network_match(*gateway.address.network));
  if (gateway.snat) {
    flow.match("ct_zone=" + std::to_string(gateway.zone)).match("ct_state=-new-inv+trk");
  } else {
    flow.match("dl_dst=" + gateway.address.mac);
  }
  flow.match("ip")
      .match("nw_dst=" + ip)
      .action("dec_ttl")
      .action("set_field:" + leg.mac + "->eth_src")
      .action("set_field:" + mac + "->eth_dst")
      .action(set_register(Registers::kNetwork, leg.network->lvid));
  return flow;
}

void into_leg(const LocalGateway& gateway, const RouterLeg& leg, const PipelineInput& input,
              FlowSet& flows) {
  for (const auto& port : leg.network->ports) {
    for (const auto& ip : port.ipv4) {
      if (leg.contains(ip)) {
        FlowText flow = reply_to(gateway, leg, ip, port.mac, input.cookie);
        flows.add(deliver_to_local(flow, port));
      }
    }
  }
  const auto uplink = integration_uplink(*leg.network, input);
  if (!uplink) {
    return;
  }
  for (const auto& remote : leg.network->remotes) {
    for (const auto& ip : remote.ipv4) {
      if (leg.contains(ip)) {
        FlowText flow = reply_to(gateway, leg, ip, remote.mac, input.cookie).action(kAnyInPort);
        flows.add(deliver_to_remote(flow, *leg.network, *uplink));
      }
    }
  }
}

void on_gateway_host(const LocalGateway& gateway, const PipelineInput& input, FlowSet& flows) {
  const auto cookie = input.cookie;
  add_external_arp_flows(gateway.address, cookie, flows);
  // Replies only: what is new from outside keeps the gateway address and matches no port.
  add_external_inbound_flows(
      gateway.address,
      {set_register(Registers::kNetwork, gateway.address.network->lvid),
       set_register(Registers::kFromRemote, 1),
       "ct(" + zone(gateway) + ",nat,table=" + std::to_string(T::kSourceNatIn) + ")"},
      cookie, flows);
  add_next_hop_flows(gateway.address, cookie, flows);
  for (const auto& leg : gateway.router->legs) {
    if (leg.network == gateway.address.network) {
      continue;  // an interface on the external network itself: switched there, not NATed
    }
    out_of_leg(gateway, leg, cookie, flows);
    into_leg(gateway, leg, input, flows);
  }
  add_nat_table_defaults(T::kSourceNatIn, T::kSourceNatOut, cookie, flows);
}

// Without source NAT (enable_snat false) the gateway host routes: the leg's addresses leave
// as they are, from the gateway's MAC, and what the link sends to them through the gateway
// address comes in, stateless here as a router is (the ports' firewalls keep their state).
void routed_on_gateway_host(const LocalGateway& gateway, const PipelineInput& input,
                            FlowSet& flows) {
  const auto cookie = input.cookie;
  add_external_arp_flows(gateway.address, cookie, flows);
  std::vector<std::string> subnets;
  for (const auto& leg : gateway.router->legs) {
    subnets.push_back(leg.subnet());
  }
  add_next_hop_flows(gateway.address, cookie, flows, subnets);
  for (const auto& leg : gateway.router->legs) {
    if (leg.network == gateway.address.network) {
      continue;
    }
    towards_outside(gateway, leg, cookie, flows);
    FlowText out = to_outside(leg, cookie);
    out.match("nw_src=" + leg.subnet());
    flows.add(send_out_from(out, gateway.address));
    add_external_inbound_flows(
        gateway.address,
        {set_register(Registers::kNetwork, gateway.address.network->lvid),
         set_register(Registers::kFromRemote, 1), "goto_table:" + std::to_string(T::kSourceNatIn)},
        cookie, flows, leg.subnet());
    into_leg(gateway, leg, input, flows);
  }
  add_nat_table_defaults(T::kSourceNatIn, T::kSourceNatOut, cookie, flows);
}

// Another host holds the gateway: its own ports' packets for outside go to it over the network
// they came from: unchanged over VXLAN, readdressed to the gateway port's MAC on a VLAN or flat
// network (whose switches learn the router interface's MAC wherever east-west routing sends
// from it, so that MAC cannot lead to one host).
void towards_gateway_host(const LocalGateway& gateway, const PipelineInput& input, FlowSet& flows) {
  for (const auto& leg : gateway.router->legs) {
    const auto& network = *leg.network;
    const auto uplink = integration_uplink(network, input);
    if (!uplink) {
      continue;
    }
    drop_transit(gateway, network, input.cookie, flows);
    const bool tunnel = network.type == NetworkType::kVxlan && gateway.tunnel_port;
    if (network.ports.empty() || (!tunnel && !steered_by_gateway_mac(gateway, network))) {
      continue;
    }
    add_own_subnet_drops(*gateway.router, network, input.cookie, flows);
    FlowText flow = to_outside(leg, input.cookie);
    if (!tunnel) {
      flow.action("set_field:" + gateway.transit_mac + "->eth_dst");
    }
    flows.add(deliver_to_remote(flow, network, *uplink));
  }
}

}  // namespace

void add_source_nat_flows(const std::vector<LocalGateway>& gateways, const PipelineInput& input,
                          FlowSet& flows) {
  for (const auto& gateway : gateways) {
    if (gateway.here && gateway.snat) {
      on_gateway_host(gateway, input, flows);
    } else if (gateway.here) {
      routed_on_gateway_host(gateway, input, flows);
    } else {
      towards_gateway_host(gateway, input, flows);
    }
  }
}

void add_gateway_tunnel_flows(const std::vector<LocalGateway>& gateways, const PipelineInput& input,
                              FlowSet& flows) {
  for (const auto& gateway : gateways) {
    if (gateway.here || !gateway.tunnel_port) {
      continue;
    }
    for (const auto& leg : gateway.router->legs) {
      const auto& network = *leg.network;
      if (network.ports.empty() || network.type != NetworkType::kVxlan ||
          !network.segmentation_id) {
        continue;
      }
      flows.add(FlowText(input.cookie, TunnelTables::kToTunnels, kKnownMac)
                    .match("dl_vlan=" + std::to_string(network.lvid))
                    .match("dl_dst=" + leg.mac)
                    .action("pop_vlan")
                    .action("set_field:" + hex(*network.segmentation_id) + "->tun_id")
                    .action("output:" + std::to_string(*gateway.tunnel_port)));
    }
  }
}

}  // namespace neutrino::dataplane::pipeline
