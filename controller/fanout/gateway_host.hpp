#pragma once
// Where a router's external gateway lives: the gateway host answers for the gateway address
// and source-NATs the router's traffic (as Neutron's DVR SNAT node or OVN's chassis of a
// distributed gateway port). One of the agents connected to the push channel whose bridge
// mappings reach the external network's physnet (any connected agent for a network without
// one): the lowest hash of router id and host, so every router spreads its own way, the
// choice needs no memory, and a host coming back takes back only the routers it had.
#include <string>
#include <vector>

#include "controller/store/sql_session.hpp"

namespace neutrino::fanout {

// "" when no candidate.
std::string choose_gateway_host(const std::string& router_id,
                                const std::vector<std::string>& candidates);
// The candidates: connected agents that reach the network.
std::vector<std::string> gateway_candidates(store::SqlSession& s, const std::string& network_id);
// The VXLAN endpoint of `host`'s agent, where other hosts tunnel the router's outbound traffic
// to; "" when unknown.
std::string gateway_tunnel_ip(store::SqlSession& s, const std::string& host);

}  // namespace neutrino::fanout
