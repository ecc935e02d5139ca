#include "dataplane/pipeline/external_link.hpp"

#include <arpa/inet.h>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/arp_reply.hpp"
#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kFromOutside = 110;  // above table 0's uplink classification
constexpr std::uint16_t kArpForOurs = 120;
constexpr std::uint16_t kExpired = 200;
// In kRouting, below the east-west routes and above what goes outside.
constexpr std::uint16_t kOwnSubnet = 60;
constexpr std::uint16_t kOnLink = 100;
constexpr std::uint16_t kViaGateway = 50;
// A router's routes (a longer prefix wins), between the default and the subnet itself: an
// on-link destination is reached directly.
constexpr std::uint16_t kViaRoute = kViaGateway + 1;
constexpr std::uint16_t kLearned = 100;
// Learned next-hop MACs outlive an idle external network by this much (seconds).
constexpr int kNeighbourIdle = 300;

std::string from_uplink(const ExternalAddress& address) {
  return "in_port=" + std::to_string(address.uplink) +
         ",dl_vlan=" + std::to_string(address.network->lvid);
}
std::string as_integer(const std::string& ipv4) {
  in_addr raw{};
  inet_pton(AF_INET, ipv4.c_str(), &raw);  // validated when the address was built
  return hex(ntohl(raw.s_addr));
}

// Every ARP frame from the external network teaches this host its sender's MAC (the next hop's
// request for one of our addresses, or any other), and so does a packet for one of our addresses
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

}  // namespace

void add_external_arp_flows(const ExternalAddress& address, std::uint64_t cookie, FlowSet& flows) {
  const auto lvid = address.network->lvid;
  flows.add(FlowText(cookie, T::kClassify, kFromOutside)
                .match(from_uplink(address))
                .match("arp")
                .action("pop_vlan")
                .action(set_register(Registers::kNetwork, lvid))
                .action(set_register(Registers::kFromRemote, 1))
                .action(learn_from_arp())
                .action("goto_table:" + std::to_string(T::kForwarding)));
  // The answer goes back tagged as the request came, out of the uplink it came in by.
  flows.add(arp_reply(FlowText(cookie, T::kClassify, kArpForOurs)
                          .match(from_uplink(address))
                          .match("arp")
                          .match("arp_op=1")
                          .match("arp_tpa=" + address.ip)
                          .action(set_register(Registers::kNetwork, lvid))
                          .action(learn_from_arp()),
                      address.mac, address.ip));
}

void add_external_inbound_flows(const ExternalAddress& address,
                                const std::vector<std::string>& actions, std::uint64_t cookie,
                                FlowSet& flows, const std::optional<std::string>& destination) {
  const auto inbound = [&](std::uint16_t priority) {
    FlowText flow(cookie, T::kClassify, priority);
    flow.match(from_uplink(address))
        .match("dl_dst=" + address.mac)
        .match("ip")
        .match("nw_dst=" + destination.value_or(address.ip));
    return flow;
  };
  const auto onward = [&actions](FlowText flow) {
    flow.action("pop_vlan");
    for (const auto& action : actions) {
      flow.action(action);
    }
    return flow;
  };
  flows.add(onward(inbound(kFromOutside)));
  // A sender on the external subnet is a next hop: its MAC is learned (the lvid is still the
  // tag's, before pop_vlan).
  flows.add(onward(
      inbound(kFromOutside + 1)
          .match("nw_src=" + address.next_hop.cidr)
          .action(learn_neighbour("NXM_NX_REG6[0..15]=" + std::to_string(address.network->lvid),
                                  "NXM_OF_IP_SRC[]", "NXM_OF_ETH_SRC[]"))));
}

FlowText& send_out_from(FlowText& flow, const ExternalAddress& address) {
  const auto lvid = address.network->lvid;
  return flow.action("dec_ttl")
      .action("set_field:" + address.mac + "->eth_src")
      .action(set_register(Registers::kNetwork, lvid))
      .action("resubmit(," + std::to_string(T::kNextHop) + ")")
      .action("resubmit(," + std::to_string(T::kNeighbours) + ")")
      .action("push_vlan:0x8100")
      .action(vlan_vid(lvid))
      .action(kAnyInPort)
      .action("output:" + std::to_string(address.uplink));
}

void add_nat_table_defaults(std::uint8_t in, std::uint8_t out, std::uint64_t cookie,
                            FlowSet& flows) {
  // dec_ttl would send an expiring packet to a controller, which we are not: drop it first.
  // (What goes out has passed kRouting, which drops it already.)
  for (const char* ttl : {"nw_ttl=0", "nw_ttl=1"}) {
    flows.add(FlowText(cookie, in, kExpired).match("ip").match(ttl));
  }
  flows.add(FlowText(cookie, in, 0));
  flows.add(FlowText(cookie, out, 0));
}

void add_own_subnet_drops(const LocalRouter& router, const LocalNetwork& from, std::uint64_t cookie,
                          FlowSet& flows) {
  for (const auto& leg : router.legs) {
    flows.add(FlowText(cookie, T::kRouting, kOwnSubnet)
                  .match(network_match(from))
                  .match("ip")
                  .match("nw_dst=" + leg.subnet()));
  }
}

void add_next_hop_flows(const ExternalAddress& address, std::uint64_t cookie, FlowSet& flows,
                        const std::vector<std::string>& sources) {
  const auto external = network_match(*address.network);
  for (const auto& route : address.next_hop.routes) {
    for (const auto& source : sources.empty() ? std::vector{address.ip} : sources) {
      flows.add(
          FlowText(cookie, T::kNextHop, static_cast<std::uint16_t>(kViaRoute + route.prefix_length))
              .match(external)
              .match("ip")
              .match("nw_src=" + source)
              .match("nw_dst=" + route.destination)
              .action("load:" + as_integer(route.nexthop) + "->" + Registers::kNextHopField));
    }
  }
  flows.add(FlowText(cookie, T::kNextHop, kOnLink)
                .match(external)
                .match("ip")
                .match("nw_dst=" + address.next_hop.cidr)
                .action(std::string("move:NXM_OF_IP_DST[]->") + Registers::kNextHopField));
  if (address.next_hop.gateway_ip) {
    flows.add(FlowText(cookie, T::kNextHop, kViaGateway)
                  .match(external)
                  .match("ip")
                  .action("load:" + as_integer(*address.next_hop.gateway_ip) + "->" +
                          Registers::kNextHopField));
  }
  flows.add(FlowText(cookie, T::kNextHop, 0));
  // A next hop not learned yet: the frame is flooded on the external network (broadcast MAC),
  // which a host there on the link accepts; its answer's ARP teaches us its MAC.
  flows.add(FlowText(cookie, T::kNeighbours, 0).action("set_field:ff:ff:ff:ff:ff:ff->eth_dst"));
}

}  // namespace neutrino::dataplane::pipeline
