#include "dataplane/pipeline/east_west_routing.hpp"

#include <algorithm>
#include <string>

#include "dataplane/pipeline/network_match.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "dataplane/pipeline/routed_delivery.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
// Above kForwarding's known-MAC flows: a router MAC that some port also claims is routed.
constexpr std::uint16_t kToRouter = 110;
constexpr std::uint16_t kExpired = 200;
constexpr std::uint16_t kRoute = 100;
// Static routes: above the router's own subnets (60) and what goes outside (50 and below),
// below the routes to ports; a longer prefix wins.
constexpr std::uint16_t kExtraRouteBase = 61;

// What is routed from `from`: the frames its local ports send to its interface MAC.
void dispatch(const RouterLeg& from, std::uint64_t cookie, FlowSet& flows) {
  flows.add(FlowText(cookie, T::kForwarding, kToRouter)
                .match(network_match(*from.network))
                .match(std::string(Registers::kFromRemote) + "=0")
                .match("dl_dst=" + from.mac)
                .match("ip")
                .action("goto_table:" + std::to_string(T::kRouting)));
}

// The route flow's match and the hop itself, up to the delivery actions.
FlowText hop(const RouterLeg& from, const RouterLeg& to, const std::string& destination,
             const std::string& mac, std::uint64_t cookie, std::uint16_t priority = kRoute) {
  FlowText flow(cookie, T::kRouting, priority);
  flow.match(network_match(*from.network))
      .match("dl_dst=" + from.mac)
      .match("ip")
      .match("nw_dst=" + destination)
      .action("dec_ttl")
      .action("set_field:" + to.mac + "->eth_src")
      .action("set_field:" + mac + "->eth_dst")
      .action("set_field:" + std::to_string(to.network->lvid) + "->" + Registers::kNetwork);
  return flow;
}

void route_to_local(const RouterLeg& from, const RouterLeg& to, std::uint64_t cookie,
                    FlowSet& flows) {
  for (const auto& port : to.network->ports) {
    for (const auto& ip : port.ipv4) {
      if (!to.contains(ip)) {
        continue;
      }
      FlowText flow = hop(from, to, ip, port.mac, cookie);
      flows.add(deliver_to_local(flow, port));
    }
  }
}

void route_to_remote(const RouterLeg& from, const RouterLeg& to, std::uint32_t uplink,
                     std::uint64_t cookie, FlowSet& flows) {
  for (const auto& remote : to.network->remotes) {
    for (const auto& ip : remote.ipv4) {
      if (to.contains(ip)) {
        FlowText flow = hop(from, to, ip, remote.mac, cookie);
        flows.add(deliver_to_remote(flow, *to.network, uplink));
      }
    }
  }
}

// A static route: to its next hop, a port on one of the router's subnets, wherever it is.
void extra_route(const LocalRouter& router, const RouterLeg& from, const ExtraRoute& route,
                 const PipelineInput& input, FlowSet& flows) {
  const auto priority = static_cast<std::uint16_t>(kExtraRouteBase + route.prefix_length);
  for (const auto& to : router.legs) {
    if (!to.contains(route.nexthop)) {
      continue;
    }
    for (const auto& port : to.network->ports) {
      if (std::find(port.ipv4.begin(), port.ipv4.end(), route.nexthop) != port.ipv4.end()) {
        FlowText flow = hop(from, to, route.destination, port.mac, input.cookie, priority);
        flows.add(deliver_to_local(flow, port));
        return;
      }
    }
    const auto uplink = integration_uplink(*to.network, input);
    for (const auto& remote : to.network->remotes) {
      if (uplink &&
          std::find(remote.ipv4.begin(), remote.ipv4.end(), route.nexthop) != remote.ipv4.end()) {
        FlowText flow = hop(from, to, route.destination, remote.mac, input.cookie, priority);
        flows.add(deliver_to_remote(flow, *to.network, *uplink));
        return;
      }
    }
  }
}

}  // namespace

void add_east_west_routing_flows(const std::vector<LocalRouter>& routers,
                                 const PipelineInput& input, FlowSet& flows) {
  const auto cookie = input.cookie;
  if (routers.empty()) {
    return;  // a host without routers keeps exactly its L2 pipeline
  }
  for (const auto& router : routers) {
    for (const auto& from : router.legs) {
      if (from.network->ports.empty()) {
        continue;  // only local ports' packets are routed here: a network held for routing to
      }
      dispatch(from, cookie, flows);
      for (const auto& to : router.legs) {
        if (&to == &from || to.network == from.network) {
          continue;  // same network: switched, not routed
        }
        route_to_local(from, to, cookie, flows);
        if (const auto uplink = integration_uplink(*to.network, input)) {
          route_to_remote(from, to, *uplink, cookie, flows);
        }
      }
      for (const auto& route : router.routes) {
        extra_route(router, from, route, input, flows);
      }
    }
  }
  // dec_ttl would send an expiring packet to a controller, which we are not: drop it here.
  for (const char* ttl : {"nw_ttl=0", "nw_ttl=1"}) {
    flows.add(FlowText(cookie, T::kRouting, kExpired).match("ip").match(ttl));
  }
  flows.add(FlowText(cookie, T::kRouting, 0));
}

}  // namespace neutrino::dataplane::pipeline
