#pragma once
// A router's static routes (extraroute): {destination, nexthop} pairs, validated as Neutron
// does (type:hostroutes, then every next hop on a subnet of one of the router's ports and
// none of the router's own addresses, at most kMaxRoutes), stored in routerroutes.
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

struct RouterRoute {
  std::string destination;
  std::string nexthop;
  bool operator<(const RouterRoute& o) const {
    return destination != o.destination ? destination < o.destination : nexthop < o.nexthop;
  }
  bool operator==(const RouterRoute&) const = default;
};

class RouterRoutes {
 public:
  // Neutron's max_routes default.
  static constexpr size_t kMaxRoutes = 30;

  // The routes a request asks for, checked against the router's ports; throws 400.
  static std::vector<RouterRoute> validated(store::SqlSession& s, const std::string& router_id,
                                            const Json& routes);
  static void replace(store::SqlSession& s, const std::string& router_id,
                      const std::vector<RouterRoute>& routes);
  static std::vector<RouterRoute> load(store::SqlSession& s, const std::string& router_id);
  static Json to_json(const std::vector<RouterRoute>& routes);
  // 409 RouterInterfaceInUseByRoute when a route's next hop lies in `cidr`, the subnet of an
  // interface about to go.
  static void check_not_needed(store::SqlSession& s, const std::string& router_id,
                               const std::string& subnet_id, const std::string& cidr);
};

}  // namespace neutrino::neutron
