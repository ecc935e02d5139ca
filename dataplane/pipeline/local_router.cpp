#include "dataplane/pipeline/local_router.hpp"

#include <arpa/inet.h>

#include <bit>
#include <map>
#include <optional>
#include <utility>

#include "dataplane/pipeline/address.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

std::optional<RouterLeg> leg(const model::RouterInterface& interface,
                             const std::map<std::string, const LocalNetwork*>& networks) {
  const auto network = networks.find(interface.network_id);
  const auto ip = ipv4_address(interface.ip_address);
  const auto mac = unicast_mac(interface.mac_address);
  const auto block = ipv4_block(interface.cidr);
  if (network == networks.end() || !ip || !mac || !block) {
    return std::nullopt;
  }
  return RouterLeg{.network = network->second,
                   .ip = *ip,
                   .mac = *mac,
                   .subnet_address = block->first,
                   .subnet_mask = block->second};
}

std::optional<ExtraRoute> extra_route(const model::HostRoute& route) {
  const auto destination = ipv4_prefix(route.destination);
  const auto nexthop = ipv4_address(route.nexthop);
  const auto slash = route.destination.find('/');
  if (!destination || !nexthop || slash == std::string::npos) {
    return std::nullopt;
  }
  return ExtraRoute{.destination = *destination,
                    .prefix_length = std::stoi(route.destination.substr(slash + 1)),
                    .nexthop = *nexthop};
}

}  // namespace

bool RouterLeg::contains(const std::string& ipv4) const {
  const auto address = ipv4_host_order(ipv4);
  return address && (*address & subnet_mask) == subnet_address;
}

std::string RouterLeg::subnet() const {
  in_addr raw{.s_addr = htonl(subnet_address)};
  char text[INET_ADDRSTRLEN] = {};
  inet_ntop(AF_INET, &raw, text, sizeof text);
  return std::string(text) + "/" + std::to_string(std::popcount(subnet_mask));
}

std::vector<LocalRouter> build_local_routers(const model::HostModel& model,
                                             const std::vector<LocalNetwork>& networks) {
  std::map<std::string, const LocalNetwork*> by_id;
  for (const auto& network : networks) {
    by_id.emplace(network.id, &network);
  }
  std::vector<LocalRouter> out;
  for (const auto& [id, router] : model.routers()) {
    if (!router.admin_state_up) {
      continue;
    }
    LocalRouter local{.id = id, .legs = {}, .routes = {}};
    for (const auto& interface : router.interfaces) {
      if (auto built = leg(interface, by_id)) {
        local.legs.push_back(std::move(*built));
      }
    }
    for (const auto& route : router.routes) {
      if (auto built = extra_route(route)) {
        local.routes.push_back(std::move(*built));
      }
    }
    if (!local.legs.empty()) {
      out.push_back(std::move(local));
    }
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
