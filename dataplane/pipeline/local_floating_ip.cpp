#include "dataplane/pipeline/local_floating_ip.hpp"

#include <algorithm>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/local_gateway.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

// The plugged port with that id and fixed address, and its network.
std::pair<const LocalNetwork*, const LocalPort*> local_port(
    const std::vector<LocalNetwork>& networks, const std::string& id, const std::string& ip) {
  for (const auto& network : networks) {
    for (const auto& port : network.ports) {
      if (port.id == id && std::find(port.ipv4.begin(), port.ipv4.end(), ip) != port.ipv4.end()) {
        return {&network, &port};
      }
    }
  }
  return {nullptr, nullptr};
}

// The router with that id and its interface on the subnet of `ip`.
std::pair<const LocalRouter*, const RouterLeg*> leg_for(const std::vector<LocalRouter>& routers,
                                                        const std::string& router,
                                                        const LocalNetwork* network,
                                                        const std::string& ip) {
  for (const auto& local : routers) {
    if (local.id != router) {
      continue;
    }
    for (const auto& leg : local.legs) {
      if (leg.network == network && leg.contains(ip)) {
        return {&local, &leg};
      }
    }
  }
  return {nullptr, nullptr};
}

std::optional<LocalFloatingIp> build(const PipelineInput& input, const model::FloatingIp& fip,
                                     const std::vector<LocalNetwork>& networks,
                                     const std::vector<LocalRouter>& routers) {
  const model::Router* router = input.model->router(fip.router_id);
  const auto ip = ipv4_address(fip.floating_ip_address);
  const auto fixed = ipv4_address(fip.fixed_ip_address);
  const auto mac = unicast_mac(fip.mac_address);
  if (router == nullptr || !router->gateway ||
      router->gateway->network_id != fip.floating_network_id || !ip || !fixed || !mac) {
    return std::nullopt;
  }
  const auto [network, port] = local_port(networks, fip.port_id, *fixed);
  const auto* external = find_network(networks, fip.floating_network_id);
  if (!port || !external) {
    return std::nullopt;
  }
  const auto [local_router, leg] = leg_for(routers, fip.router_id, network, *fixed);
  const auto uplink = integration_uplink(*external, input);
  if (!leg || !uplink) {
    return std::nullopt;
  }
  const auto hop = external_next_hop(*input.model, *router->gateway, *local_router);
  if (!hop) {
    return std::nullopt;
  }
  return LocalFloatingIp{.floating = {.network = external,
                                      .uplink = *uplink,
                                      .ip = *ip,
                                      .mac = *mac,
                                      .next_hop = *hop},
                         .fixed_ip = *fixed,
                         .port = port,
                         .router = local_router,
                         .leg = leg};
}

}  // namespace

std::vector<LocalFloatingIp> build_local_floating_ips(const PipelineInput& input,
                                                      const std::vector<LocalNetwork>& networks,
                                                      const std::vector<LocalRouter>& routers) {
  std::vector<LocalFloatingIp> out;
  if (!input.model) {
    return out;
  }
  for (const auto& [id, fip] : input.model->floating_ips()) {
    if (auto built = build(input, fip, networks, routers)) {
      out.push_back(std::move(*built));
    }
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
