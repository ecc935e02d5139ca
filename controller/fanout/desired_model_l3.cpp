// Routers and floating IPs in the desired-state model. A host holds a router while it has a
// port on one of the router's networks or is its gateway host, and holds the router's associated
// floating IPs with it. Nothing is counted: who holds a router follows from the network interest
// index, so a change recomputes the hosts of the routers it touches and sends each what it gains or
// loses.
#include <memory>

#include "controller/fanout/desired_model.hpp"
#include "controller/fanout/l3_loader.hpp"

namespace neutrino::fanout {
namespace {

std::string router_key(const std::string& id) {
  return "router:" + id;
}
std::string floating_ip_key(const std::string& id) {
  return "floatingip:" + id;
}

}  // namespace

std::set<std::string> DesiredModel::router_hosts(const std::string& router) const {
  std::set<std::string> out;
  const auto it = routers_.find(router);
  if (it == routers_.end()) {
    return out;
  }
  for (const auto& network : router_networks(it->second)) {
    const auto hosts = network_hosts_.find(network);
    if (hosts == network_hosts_.end()) {
      continue;
    }
    // Through a port only: a network held because a router routes to it brings no more routers.
    for (const auto& host : hosts->second) {
      if (hosts_.at(host).networks.contains(network)) {
        out.insert(host);
      }
    }
  }
  if (const std::string gateway = gateway_host_of(it->second); !gateway.empty()) {
    out.insert(gateway);
  }
  return out;
}

void DesiredModel::move_gateway_host(const std::string& router, const std::string& before,
                                     const std::string& after) {
  if (before == after) {
    return;
  }
  if (const auto interest = hosts_.find(before); interest != hosts_.end()) {
    interest->second.gateway_routers.erase(router);
  }
  if (!after.empty()) {
    hosts_[after].gateway_routers.insert(router);
  }
}

bool DesiredModel::holds_router_elsewhere(const std::string& host, const std::string& router,
                                          const std::string& except) const {
  const auto interest = hosts_.find(host);
  const auto it = routers_.find(router);
  if (interest == hosts_.end() || it == routers_.end()) {
    return false;
  }
  if (interest->second.gateway_routers.contains(router)) {
    return true;
  }
  for (const auto& network : router_networks(it->second)) {
    if (network != except && interest->second.networks.contains(network)) {
      return true;
    }
  }
  return false;
}

void DesiredModel::send_router(const std::string& host, const std::string& router,
                               HostDeltas* out) const {
  out->set(host, router_key(router), std::make_shared<const Json>(routers_.at(router)));
  if (const auto fips = router_floating_ips_.find(router); fips != router_floating_ips_.end()) {
    for (const auto& id : fips->second) {
      out->set(host, floating_ip_key(id), std::make_shared<const Json>(floating_ips_.at(id)));
    }
  }
}

void DesiredModel::drop_router(const std::string& host, const std::string& router,
                               HostDeltas* out) const {
  out->remove(host, router_key(router));
  if (const auto fips = router_floating_ips_.find(router); fips != router_floating_ips_.end()) {
    for (const auto& id : fips->second) {
      out->remove(host, floating_ip_key(id));
    }
  }
}

void DesiredModel::hold_router(const std::string& host, const std::string& router,
                               HostDeltas* out) {
  if (out) {
    send_router(host, router, out);
  }
  for (const auto& network : routed_networks_of(routers_.at(router))) {
    count_routed(host, network, +1, out);
  }
}

void DesiredModel::release_router(const std::string& host, const std::string& router,
                                  HostDeltas* out) {
  if (out) {
    drop_router(host, router, out);
  }
  for (const auto& network : routed_networks_of(routers_.at(router))) {
    count_routed(host, network, -1, out);
  }
}

// Both also run while the model loads (out null): the routed-network counts must follow.
void DesiredModel::routers_gained(const std::string& host, const std::string& network,
                                  HostDeltas* out) {
  const auto routers = network_routers_.find(network);
  if (routers == network_routers_.end()) {
    return;
  }
  for (const auto& router : routers->second) {
    if (!holds_router_elsewhere(host, router, network)) {
      hold_router(host, router, out);
    }
  }
}

void DesiredModel::routers_lost(const std::string& host, const std::string& network,
                                HostDeltas* out) {
  const auto routers = network_routers_.find(network);
  if (routers == network_routers_.end()) {
    return;
  }
  for (const auto& router : routers->second) {
    if (!holds_router_elsewhere(host, router, network)) {
      release_router(host, router, out);
    }
  }
}

void DesiredModel::router_changed(const std::string& id, std::optional<model::Router> now,
                                  HostDeltas* out) {
  const auto existing = routers_.find(id);
  if (existing != routers_.end() && now && existing->second == *now) {
    return;  // reloaded after an agent change that did not move its gateway
  }
  const std::set<std::string> before = router_hosts(id);
  const std::string gateway_before =
      existing == routers_.end() ? "" : gateway_host_of(existing->second);
  std::set<std::string> old_networks;
  if (const auto old = existing; old != routers_.end()) {
    old_networks = routed_networks_of(old->second);
    for (const auto& network : router_networks(old->second)) {
      auto& routers = network_routers_[network];
      routers.erase(id);
      if (routers.empty()) {
        network_routers_.erase(network);
      }
    }
    routers_.erase(old);
  }
  std::set<std::string> after;
  std::set<std::string> new_networks;
  if (now) {
    new_networks = routed_networks_of(*now);
    for (const auto& network : router_networks(*now)) {
      network_routers_[network].insert(id);
    }
    routers_[id] = std::move(*now);
  }
  move_gateway_host(id, gateway_before, now ? gateway_host_of(routers_.at(id)) : "");
  if (now) {
    after = router_hosts(id);
  }
  route_changed_networks(before, old_networks, after, new_networks, out);
  // A host that was only this router's gateway host holds nothing now.
  if (const auto idle = hosts_.find(gateway_before);
      idle != hosts_.end() && idle->second.empty() && idle->second.routed.empty()) {
    hosts_.erase(idle);
  }
  if (!out) {
    return;
  }
  for (const auto& host : before) {
    if (!after.contains(host)) {
      drop_router(host, id, out);
    }
  }
  for (const auto& host : after) {
    if (before.contains(host)) {
      out->set(host, router_key(id), std::make_shared<const Json>(routers_.at(id)));
    } else {
      send_router(host, id, out);
    }
  }
}

void DesiredModel::route_changed_networks(const std::set<std::string>& hosts_before,
                                          const std::set<std::string>& networks_before,
                                          const std::set<std::string>& hosts_after,
                                          const std::set<std::string>& networks_after,
                                          HostDeltas* out) {
  std::set<std::string> hosts = hosts_before;
  hosts.insert(hosts_after.begin(), hosts_after.end());
  for (const auto& host : hosts) {
    const bool was = hosts_before.contains(host);
    const bool is = hosts_after.contains(host);
    // Gains first: a network routed before and after is never released in between.
    for (const auto& network : networks_after) {
      if (is && !(was && networks_before.contains(network))) {
        count_routed(host, network, +1, out);
      }
    }
    for (const auto& network : networks_before) {
      if (was && !(is && networks_after.contains(network))) {
        count_routed(host, network, -1, out);
      }
    }
  }
}

void DesiredModel::floating_ip_changed(const std::string& id, std::optional<model::FloatingIp> now,
                                       HostDeltas* out) {
  if (const auto old = floating_ips_.find(id); old != floating_ips_.end()) {
    const std::string router = old->second.router_id;
    if (out) {
      for (const auto& host : router_hosts(router)) {
        out->remove(host, floating_ip_key(id));
      }
    }
    auto& fips = router_floating_ips_[router];
    fips.erase(id);
    if (fips.empty()) {
      router_floating_ips_.erase(router);
    }
    floating_ips_.erase(old);
  }
  if (!now) {
    return;
  }
  const std::string router = now->router_id;
  router_floating_ips_[router].insert(id);
  const auto& stored = floating_ips_[id] = std::move(*now);
  if (out) {
    const auto object = std::make_shared<const Json>(stored);
    for (const auto& host : router_hosts(router)) {
      out->set(host, floating_ip_key(id), object);
    }
  }
}

void DesiredModel::materialize_routers(const std::string& network,
                                       channel::HostState& state) const {
  const auto routers = network_routers_.find(network);
  if (routers == network_routers_.end()) {
    return;
  }
  for (const auto& router : routers->second) {
    materialize_router(router, state);
  }
}

void DesiredModel::materialize_router(const std::string& router, channel::HostState& state) const {
  state[router_key(router)] = routers_.at(router);
  if (const auto fips = router_floating_ips_.find(router); fips != router_floating_ips_.end()) {
    for (const auto& id : fips->second) {
      state[floating_ip_key(id)] = floating_ips_.at(id);
    }
  }
}

}  // namespace neutrino::fanout
