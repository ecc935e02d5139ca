#pragma once
// The L3 part of a host's state, recomputed from SQL: "router:<id>" for every router with an
// interface on one of the host's networks or whose gateway host it is, and "floatingip:<id>" for
// each associated floating IP of those routers (the typed objects of common/model/router.hpp and
// floating_ip.hpp).
#include <set>
#include <string>

#include "common/channel/host_state.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::channel {

// The networks the routers of `networks` (and those `host` is the gateway host of) route to: a
// host routes to them from its own ports (east-west routing on the source host), so it holds
// them as it holds its ports'.
std::set<std::string> routed_networks(store::SqlSession& s, const std::string& host,
                                      const std::set<std::string>& networks);

void add_routers(store::SqlSession& s, const std::string& host,
                 const std::set<std::string>& networks, HostState& state);

}  // namespace neutrino::channel
