#pragma once
// The external network as seen from a host that NATs onto it (floating IPs on their port's
// host, source NAT on a router's gateway host): answering ARP for an address of ours from the
// uplink, learning next hops' MACs from what the link sends (OpenFlow cannot emit an ARP
// request), choosing the next hop and sending a packet out on the link from one of our MACs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "dataplane/pipeline/flow_set.hpp"
#include "dataplane/pipeline/local_network.hpp"
#include "dataplane/pipeline/local_router.hpp"

namespace neutrino::dataplane::pipeline {

// Where a packet leaving on the external network goes: straight to its destination inside the
// gateway's subnet, else by the router's static routes whose next hop is on that subnet, else
// to the subnet's gateway address (when it has one).
struct ExternalNextHop {
  std::string cidr;                       // the gateway's subnet, as a flow field value
  std::optional<std::string> gateway_ip;  // the subnet's gateway_ip
  std::vector<ExtraRoute> routes;         // by destination, then next hop
};

// One address of ours on the external network (a floating IP, a router gateway).
struct ExternalAddress {
  const LocalNetwork* network = nullptr;  // the external network, compiled here
  std::uint32_t uplink = 0;               // its br-int uplink (int-<physnet>)
  std::string ip;
  std::string mac;  // lower case
  ExternalNextHop next_hop;
};

// Table 0: the address answers ARP from the link, and every ARP frame of the link is learned
// and switched as the external network's.
void add_external_arp_flows(const ExternalAddress& address, std::uint64_t cookie, FlowSet& flows);

// Table 0: IPv4 from the link to the address (or, given `destination`, to any address in that
// prefix, routed through the address), with the sender's MAC learned when it is on the external
// subnet; `actions` (after pop_vlan) take it on. Two flows.
void add_external_inbound_flows(const ExternalAddress& address,
                                const std::vector<std::string>& actions, std::uint64_t cookie,
                                FlowSet& flows,
                                const std::optional<std::string>& destination = std::nullopt);

// Clears in_port before an output to an uplink. A packet another host sent on a VLAN or flat
// network leaves by the port it came in by when that network shares the external network's
// physnet, and OpenFlow drops an output to the in_port.
inline constexpr const char* kAnyInPort = "set_field:0->in_port";

// Appends to `flow` what sends a routed packet out on the link from the address: TTL, source
// MAC, the next hop's MAC, the external network's tag, the uplink.
FlowText& send_out_from(FlowText& flow, const ExternalAddress& address);

// Table kRouting, above what goes outside: a packet from `from` for one of the router's own
// subnets that no route claimed is for an address no port holds there, and is dropped.
void add_own_subnet_drops(const LocalRouter& router, const LocalNetwork& from, std::uint64_t cookie,
                          FlowSet& flows);

// The drop defaults of a pair of NAT tables, and the expiring-packet drops of the one that
// packets from outside reach.
void add_nat_table_defaults(std::uint8_t in, std::uint8_t out, std::uint64_t cookie,
                            FlowSet& flows);

// Tables kNextHop and kNeighbours for the address's network with their defaults: added for
// every address that uses them, since the flow set keeps one copy of each flow. The network's
// flows are shared by all the routers on it; a router's own routes apply to what it sends, i.e.
// to packets from `sources` (the address itself by default; a router without source NAT sends
// from its subnets).
void add_next_hop_flows(const ExternalAddress& address, std::uint64_t cookie, FlowSet& flows,
                        const std::vector<std::string>& sources = {});

}  // namespace neutrino::dataplane::pipeline
