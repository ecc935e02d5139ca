#include "controller/channel/router_objects.hpp"

#include "controller/fanout/l3_loader.hpp"

namespace neutrino::channel {

namespace {

// Routers with an interface on one of `networks`, and those whose gateway host is `host`.
std::set<std::string> routers_on(store::SqlSession& s, const std::string& host,
                                 const std::set<std::string>& networks) {
  std::set<std::string> routers;
  for (const auto& id : fanout::routers_with_gateway(s)) {
    if (const auto router = fanout::load_router(s, id);
        router && fanout::gateway_host_of(*router) == host) {
      routers.insert(id);
    }
  }
  for (const auto& network : networks) {
    for (const auto& r : s.query("SELECT DISTINCT rp.router_id FROM routerports rp JOIN ports p "
                                 "ON p.id = rp.port_id WHERE p.network_id = ? AND rp.port_type = "
                                 "'network:router_interface'",
                                 {network})) {
      routers.insert(r.text(0));
    }
  }
  return routers;
}

}  // namespace

std::set<std::string> routed_networks(store::SqlSession& s, const std::string& host,
                                      const std::set<std::string>& networks) {
  std::set<std::string> out;
  for (const auto& id : routers_on(s, host, networks)) {
    if (const auto router = fanout::load_router(s, id)) {
      const auto routed = fanout::routed_networks_of(*router);
      out.insert(routed.begin(), routed.end());
    }
  }
  return out;
}

void add_routers(store::SqlSession& s, const std::string& host,
                 const std::set<std::string>& networks, HostState& state) {
  for (const auto& id : routers_on(s, host, networks)) {
    if (const auto router = fanout::load_router(s, id)) {
      state["router:" + id] = *router;
    }
    for (const auto& r : s.query("SELECT id FROM floatingips WHERE router_id = ? AND "
                                 "fixed_port_id IS NOT NULL",
                                 {id})) {
      if (const auto fip = fanout::load_floating_ip(s, r.text(0))) {
        state["floatingip:" + fip->id] = *fip;
      }
    }
  }
}

}  // namespace neutrino::channel
