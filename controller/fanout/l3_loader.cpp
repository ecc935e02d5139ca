#include "controller/fanout/l3_loader.hpp"

#include "controller/fanout/gateway_host.hpp"

namespace neutrino::fanout {
namespace {

constexpr const char* kInterfaceOwner = "network:router_interface";

std::optional<model::RouterGateway> load_gateway(store::SqlSession& s, const std::string& router_id,
                                                 const std::string& port_id, bool enable_snat) {
  // IPv4 first: the address source NAT uses.
  const auto rows = s.query(
      "SELECT p.network_id, a.ip_address, sn.cidr, p.mac_address FROM ports p "
      "JOIN ipallocations a ON a.port_id = p.id JOIN subnets sn ON sn.id = a.subnet_id "
      "WHERE p.id = ? ORDER BY sn.ip_version, a.position",
      {port_id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const std::string network_id = rows[0].text(0);
  auto host = choose_gateway_host(router_id, gateway_candidates(s, network_id));
  auto tunnel_ip = gateway_tunnel_ip(s, host);
  return model::RouterGateway{network_id,      port_id,     rows[0].text(1), rows[0].text(2),
                              rows[0].text(3), enable_snat, std::move(host), std::move(tunnel_ip)};
}

}  // namespace

std::optional<model::Router> load_router(store::SqlSession& s, const std::string& id) {
  const auto rows =
      s.query("SELECT admin_state_up, gw_port_id, enable_snat FROM routers WHERE id = ?", {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  model::Router router{id, rows[0].boolean(0), {}, std::nullopt, {}};
  for (const auto& r :
       s.query("SELECT a.subnet_id, p.network_id, sn.cidr, p.id, a.ip_address, p.mac_address "
               "FROM routerports rp JOIN ports p ON p.id = rp.port_id "
               "JOIN ipallocations a ON a.port_id = p.id JOIN subnets sn ON sn.id = a.subnet_id "
               "WHERE rp.router_id = ? AND rp.port_type = ? ORDER BY a.subnet_id, p.id",
               {id, std::string(kInterfaceOwner)})) {
    router.interfaces.push_back({r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)});
  }
  if (!rows[0].is_null(1)) {
    router.gateway = load_gateway(s, id, rows[0].text(1), rows[0].boolean(2));
  }
  for (const auto& r : s.query("SELECT destination, nexthop FROM routerroutes WHERE router_id = "
                               "? ORDER BY destination, nexthop",
                               {id})) {
    router.routes.push_back({r.text(0), r.text(1)});
  }
  return router;
}

std::optional<model::FloatingIp> load_floating_ip(store::SqlSession& s, const std::string& id) {
  const auto rows = s.query(
      "SELECT f.floating_ip_address, f.floating_network_id, f.fixed_ip_address, f.fixed_port_id, "
      "f.router_id, p.mac_address FROM floatingips f JOIN ports p ON p.id = f.floating_port_id "
      "WHERE f.id = ? AND f.fixed_port_id IS NOT NULL AND f.router_id IS NOT NULL",
      {id});
  if (rows.empty()) {
    return std::nullopt;
  }
  const auto& r = rows[0];
  return model::FloatingIp{id, r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.text(5)};
}

std::vector<std::string> routers_of_port(store::SqlSession& s, const std::string& port_id) {
  std::vector<std::string> out;
  for (const auto& r : s.query("SELECT router_id FROM routerports WHERE port_id = ?", {port_id})) {
    out.push_back(r.text(0));
  }
  return out;
}

void load_all_l3(store::SqlSession& s, const std::function<void(const model::Router&)>& router,
                 const std::function<void(const model::FloatingIp&)>& floating_ip) {
  for (const auto& r : s.query("SELECT id FROM routers ORDER BY id", {})) {
    if (auto loaded = load_router(s, r.text(0))) {
      router(*loaded);
    }
  }
  for (const auto& r : s.query("SELECT id FROM floatingips WHERE fixed_port_id IS NOT NULL AND "
                               "router_id IS NOT NULL ORDER BY id",
                               {})) {
    if (auto loaded = load_floating_ip(s, r.text(0))) {
      floating_ip(*loaded);
    }
  }
}

std::set<std::string> router_networks(const model::Router& router) {
  std::set<std::string> out;
  for (const auto& i : router.interfaces) {
    out.insert(i.network_id);
  }
  return out;
}

std::vector<std::string> routers_with_gateway(store::SqlSession& s) {
  std::vector<std::string> out;
  for (const auto& r : s.query("SELECT id FROM routers WHERE gw_port_id IS NOT NULL ORDER BY id")) {
    out.push_back(r.text(0));
  }
  return out;
}

std::string gateway_host_of(const model::Router& router) {
  return router.gateway ? router.gateway->host : "";
}

std::set<std::string> routed_networks_of(const model::Router& router) {
  auto out = router_networks(router);
  if (router.gateway) {
    out.insert(router.gateway->network_id);
  }
  return out;
}

}  // namespace neutrino::fanout
