#include "dataplane/pipeline/local_gateway.hpp"

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/uplink.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

std::optional<LocalGateway> on_gateway_host(const PipelineInput& input,
                                            const model::RouterGateway& gateway,
                                            const std::vector<LocalNetwork>& networks,
                                            LocalGateway local) {
  const auto* external = find_network(networks, gateway.network_id);
  const auto zone = input.snat_zones.find(local.router->id);
  const auto ip = ipv4_address(gateway.ip_address);
  const auto mac = unicast_mac(gateway.mac_address);
  if (!external || (local.snat && zone == input.snat_zones.end()) || !ip || !mac) {
    return std::nullopt;
  }
  const auto uplink = integration_uplink(*external, input);
  const auto hop = external_next_hop(*input.model, gateway, *local.router);
  if (!uplink || !hop) {
    return std::nullopt;
  }
  local.address = {
      .network = external, .uplink = *uplink, .ip = *ip, .mac = *mac, .next_hop = *hop};
  if (local.snat) {
    local.zone = zone->second;
  }
  return local;
}

}  // namespace

bool steered_by_gateway_mac(const LocalGateway& gateway, const LocalNetwork& network) {
  return (network.type == NetworkType::kVlan || network.type == NetworkType::kFlat) &&
         !gateway.transit_mac.empty() && network.id != gateway.external_network_id;
}

std::optional<ExternalNextHop> external_next_hop(const model::HostModel& model,
                                                 const model::RouterGateway& gateway,
                                                 const LocalRouter& router) {
  const auto cidr = ipv4_prefix(gateway.cidr);
  if (!cidr || gateway.cidr.find('/') == std::string::npos) {
    return std::nullopt;
  }
  ExternalNextHop hop{.cidr = *cidr, .gateway_ip = std::nullopt};
  for (const model::Subnet* subnet : model.subnets_of_network(gateway.network_id)) {
    if (subnet->cidr == gateway.cidr && subnet->gateway_ip) {
      hop.gateway_ip = ipv4_address(*subnet->gateway_ip);
    }
  }
  for (const auto& route : router.routes) {
    if (ipv4_in_block(route.nexthop, gateway.cidr)) {
      hop.routes.push_back(route);
    }
  }
  return hop;
}

std::vector<LocalGateway> build_local_gateways(const PipelineInput& input,
                                               const std::vector<LocalNetwork>& networks,
                                               const std::vector<LocalRouter>& routers) {
  std::vector<LocalGateway> out;
  if (!input.model) {
    return out;
  }
  for (const auto& router : routers) {
    const model::Router* object = input.model->router(router.id);
    if (object == nullptr || !object->gateway || object->gateway->host.empty()) {
      continue;
    }
    const auto& gateway = *object->gateway;
    LocalGateway local{.router = &router,
                       .here = gateway.host == input.host,
                       .snat = gateway.enable_snat,
                       .external_network_id = gateway.network_id,
                       .transit_mac = unicast_mac(gateway.mac_address).value_or("")};
    if (local.here) {
      if (auto served = on_gateway_host(input, gateway, networks, std::move(local))) {
        out.push_back(std::move(*served));
      }
      continue;
    }
    if (const auto port = input.tunnel_ports.find(gateway.host_tunnel_ip);
        port != input.tunnel_ports.end()) {
      local.tunnel_port = port->second;
    }
    out.push_back(std::move(local));
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
