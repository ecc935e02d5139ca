#pragma once
// Reads routers and floating IPs of the desired-state model from the store, as they are now.
// A floating IP is an object only while it is associated (a port, a fixed IP and a router).
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/model/floating_ip.hpp"
#include "common/model/router.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::fanout {

std::optional<model::Router> load_router(store::SqlSession& s, const std::string& id);
std::optional<model::FloatingIp> load_floating_ip(store::SqlSession& s, const std::string& id);
// The routers a port is an interface or gateway of (a change of the port changes them).
std::vector<std::string> routers_of_port(store::SqlSession& s, const std::string& port_id);
// Every router, then every associated floating IP.
void load_all_l3(store::SqlSession& s, const std::function<void(const model::Router&)>& router,
                 const std::function<void(const model::FloatingIp&)>& floating_ip);
// The routers with an external gateway, whose gateway host follows the agents' connections.
std::vector<std::string> routers_with_gateway(store::SqlSession& s);
// The networks whose hosts hold the router: those of its interfaces. Its gateway host (below)
// holds it too.
std::set<std::string> router_networks(const model::Router& router);
// The host chosen for the router's gateway, "" if none.
std::string gateway_host_of(const model::Router& router);
// The networks a host holding the router routes to: its interfaces' and its gateway's (the
// host of a port with a floating IP NATs onto the external network itself).
std::set<std::string> routed_networks_of(const model::Router& router);

}  // namespace neutrino::fanout
