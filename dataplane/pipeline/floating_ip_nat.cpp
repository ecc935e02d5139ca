#include "dataplane/pipeline/floating_ip_nat.hpp"

#include <arpa/inet.h>

#include <bit>
#include <string>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/arp_reply.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kFromOutside = 110;  // above table 0's uplink classification
constexpr std::uint16_t kArpForFloating = 120;
constexpr std::uint16_t kExpired = 200;
constexpr std::uint16_t kNat = 100;
// In kRouting, below the east-west routes: what no route claims goes out, unless it is for
// one of the router's own subnets (an address no port holds there).
constexpr std::uint16_t kOwnSubnet = 60;
constexpr std::uint16_t kOutside = 50;
constexpr std::uint16_t kOnLink = 100;
constexpr std::uint16_t kViaGateway = 50;
constexpr std::uint16_t kLearned = 100;
// Learned next-hop MACs outlive an idle external network by this much (seconds).
constexpr int kNeighbourIdle = 300;

std::string set_register(const char* reg, unsigned value) {
  return "set_field:" + std::to_string(value) + "->" + reg;
}
std::string zone(const LocalFloatingIp& fip) {
  return "zone=" + std::to_string(fip.external->lvid);
}
std::string go(std::uint8_t table) {
  return "goto_table:" + std::to_string(table);
}
std::string from_uplink(const LocalFloatingIp& fip) {
  return "in_port=" + std::to_string(fip.uplink) + ",dl_vlan=" + std::to_string(fip.external->lvid);
}
std::string block(std::uint32_t address, std::uint32_t mask) {
  in_addr raw{.s_addr = htonl(address)};
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &raw, text, sizeof text);
  return std::string(text) + "/" + std::to_string(std::popcount(mask));
}
std::string as_integer(const std::string& ipv4) {
  in_addr raw{};
  inet_pton(AF_INET, ipv4.c_str(), &raw);  // validated when the floating IP was built
  return hex(ntohl(raw.s_addr));
}

// Every ARP frame from the external network teaches this host its sender's MAC (the next hop's
// request for a floating address, or any other), and so does a packet for a floating address
// from a sender on the external subnet, as a kNeighbours flow keyed by the external network's
// lvid (`lvid_field`) and the sender's address. Learned flows carry no cookie of ours, so the
// agent's diff leaves them to their idle timeout.
std::string learn_neighbour(const std::string& lvid_field, const std::string& address_field,
                            const std::string& mac_field) {
  return "learn(table=" + std::to_string(T::kNeighbours) + ",priority=" + std::to_string(kLearned) +
         ",idle_timeout=" + std::to_string(kNeighbourIdle) + "," + lvid_field + "," +
         Registers::kNextHopField + "=" + address_field + ",load:" + mac_field +
         "->NXM_OF_ETH_DST[])";
}
std::string learn_from_arp() {
  return learn_neighbour("NXM_NX_REG6[0..15]", "NXM_OF_ARP_SPA[]", "NXM_NX_ARP_SHA[]");
}

void from_outside(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto& external = *fip.external;
  flows.add(FlowText(cookie, T::kClassify, kFromOutside)
                .match(from_uplink(fip))
                .match("arp")
                .action("pop_vlan")
                .action(set_register(Registers::kNetwork, external.lvid))
                .action(set_register(Registers::kFromRemote, 1))
                .action(learn_from_arp())
                .action(go(T::kForwarding)));
  // The answer goes back tagged as the request came, out of the uplink it came in by.
  flows.add(arp_reply(FlowText(cookie, T::kClassify, kArpForFloating)
                          .match(from_uplink(fip))
                          .match("arp")
                          .match("arp_op=1")
                          .match("arp_tpa=" + fip.ip)
                          .action(set_register(Registers::kNetwork, external.lvid))
                          .action(learn_from_arp()),
                      fip.mac, fip.ip));
  // Into the port's network at once: its lvid and the fixed address identify the port after
  // DNAT, even where another router's floating IP maps to the same fixed address.
  const auto inbound = [&fip, cookie](std::uint16_t priority) {
    FlowText flow(cookie, T::kClassify, priority);
    flow.match(from_uplink(fip)).match("dl_dst=" + fip.mac).match("ip").match("nw_dst=" + fip.ip);
    return flow;
  };
  const auto into_network = [&fip](FlowText flow) {
    return flow.action("pop_vlan")
        .action(set_register(Registers::kNetwork, fip.leg->network->lvid))
        .action(set_register(Registers::kFromRemote, 1))
        .action("ct(" + zone(fip) + ",nat,table=" + std::to_string(T::kFloatingIn) + ")");
  };
  flows.add(into_network(inbound(kFromOutside)));
  // A sender on the external subnet is a next hop: its MAC is learned (the lvid is still the
  // tag's, before pop_vlan).
  flows.add(into_network(
      inbound(kFromOutside + 1)
          .match("nw_src=" + fip.next_hop.cidr)
          .action(learn_neighbour("NXM_NX_REG6[0..15]=" + std::to_string(external.lvid),
                                  "NXM_OF_IP_SRC[]", "NXM_OF_ETH_SRC[]"))));
}

void into_port(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto network = network_match(*fip.leg->network);
  flows.add(FlowText(cookie, T::kFloatingIn, kNat)
                .match(network)
                .match("ct_state=+new+trk")
                .match("ip")
                .match("nw_dst=" + fip.ip)
                .action("ct(commit," + zone(fip) + ",nat(dst=" + fip.fixed_ip +
                        "),table=" + std::to_string(T::kFloatingIn) + ")"));
  FlowText deliver(cookie, T::kFloatingIn, kNat);
  deliver.match(network)
      .match("ct_state=-inv+trk")
      .match("ip")
      .match("nw_dst=" + fip.fixed_ip)
      .action("dec_ttl")
      .action("set_field:" + fip.leg->mac + "->eth_src")
      .action("set_field:" + fip.port->mac + "->eth_dst");
  if (fip.port->firewall) {
    deliver.action(set_register(Registers::kDestination, fip.port->ofport))
        .action(go(T::kIngressConntrack));
  } else {
    deliver.action("output:" + std::to_string(fip.port->ofport));
  }
  flows.add(deliver);
}

void out_of_port(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto network = network_match(*fip.leg->network);
  for (const auto& leg : fip.router->legs) {
    flows.add(FlowText(cookie, T::kRouting, kOwnSubnet)
                  .match(network)
                  .match("ip")
                  .match("nw_dst=" + block(leg.subnet_address, leg.subnet_mask)));
  }
  flows.add(FlowText(cookie, T::kRouting, kOutside)
                .match(network)
                .match("dl_dst=" + fip.leg->mac)
                .match("ip")
                .match("nw_src=" + fip.fixed_ip)
                .action("ct(" + zone(fip) + ",nat,table=" + std::to_string(T::kFloatingOut) + ")"));
  flows.add(FlowText(cookie, T::kFloatingOut, kNat)
                .match(network)
                .match("ct_state=+new+trk")
                .match("ip")
                .match("nw_src=" + fip.fixed_ip)
                .action("ct(commit," + zone(fip) + ",nat(src=" + fip.ip +
                        "),table=" + std::to_string(T::kFloatingOut) + ")"));
  const auto& external = *fip.external;
  flows.add(FlowText(cookie, T::kFloatingOut, kNat)
                .match(network)
                .match("ct_state=-inv+trk")
                .match("ip")
                .match("nw_src=" + fip.ip)
                .action("dec_ttl")
                .action("set_field:" + fip.mac + "->eth_src")
                .action(set_register(Registers::kNetwork, external.lvid))
                .action("resubmit(," + std::to_string(T::kNextHop) + ")")
                .action("resubmit(," + std::to_string(T::kNeighbours) + ")")
                .action("push_vlan:0x8100")
                .action(vlan_vid(external.lvid))
                .action("output:" + std::to_string(fip.uplink)));
}

// The next hop: the destination itself inside the gateway's subnet, else the subnet's gateway.
void next_hop(const LocalFloatingIp& fip, std::uint64_t cookie, FlowSet& flows) {
  const auto external = network_match(*fip.external);
  flows.add(FlowText(cookie, T::kNextHop, kOnLink)
                .match(external)
                .match("ip")
                .match("nw_dst=" + fip.next_hop.cidr)
                .action(std::string("move:NXM_OF_IP_DST[]->") + Registers::kNextHopField));
  if (fip.next_hop.gateway_ip) {
    flows.add(FlowText(cookie, T::kNextHop, kViaGateway)
                  .match(external)
                  .match("ip")
                  .action("load:" + as_integer(*fip.next_hop.gateway_ip) + "->" +
                          Registers::kNextHopField));
  }
}

}  // namespace

void add_floating_ip_flows(const std::vector<LocalFloatingIp>& fips, const PipelineInput& input,
                           FlowSet& flows) {
  const auto cookie = input.cookie;
  if (fips.empty()) {
    return;  // a host without floating IPs keeps exactly its other flows
  }
  for (const auto& fip : fips) {
    from_outside(fip, cookie, flows);
    into_port(fip, cookie, flows);
    out_of_port(fip, cookie, flows);
    next_hop(fip, cookie, flows);
  }
  // dec_ttl would send an expiring packet to a controller, which we are not: drop it here.
  for (const char* ttl : {"nw_ttl=0", "nw_ttl=1"}) {
    flows.add(FlowText(cookie, T::kFloatingIn, kExpired).match("ip").match(ttl));
  }
  for (const auto table : {T::kFloatingIn, T::kFloatingOut, T::kNextHop}) {
    flows.add(FlowText(cookie, table, 0));
  }
  // A next hop not learned yet: the frame is flooded on the external network (broadcast MAC),
  // which a host there on the link accepts; its answer's ARP teaches us its MAC.
  flows.add(FlowText(cookie, T::kNeighbours, 0).action("set_field:ff:ff:ff:ff:ff:ff->eth_dst"));
}

}  // namespace neutrino::dataplane::pipeline
