#pragma once
// Routers (Neutron's router, ext-gw-mode and extraroute extensions): name, admin_state_up,
// an external gateway (a network:router_gateway port on a router:external network, with
// enable_snat and chosen external_fixed_ips) and static routes whose next hops must sit on
// one of the router's interface subnets. Interfaces are added and removed by RouterInterfaces.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/api/api_error.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

// A router row as the L3 services need it.
struct RouterInfo {
  std::string id;
  std::string project_id;
  std::optional<std::string> gw_port_id;
  bool enable_snat = true;
};

class RouterService {
 public:
  explicit RouterService(const L3Ports& ports) : ports_(ports) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // The router if the caller may see it (its project, or admin); 404 RouterNotFound otherwise.
  static RouterInfo visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id);
  static std::optional<RouterInfo> find(store::SqlSession& s, const std::string& id);
  // Marks a change: bumps revision_number and updated_at, and journals the router.
  static void touch(store::SqlSession& s, const std::string& id);

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id) const;
  // Applies external_gateway_info (null or {}: no gateway) to the router.
  void set_gateway(store::SqlSession& s, const AuthContext& ctx, const RouterInfo& router,
                   const Json& info, const char* action) const;
  void clear_gateway(store::SqlSession& s, const RouterInfo& router) const;

  const L3Ports& ports_;
};

// 404 RouterNotFound "Router <id> could not be found".
api::ApiError router_not_found(const std::string& id);

}  // namespace neutrino::neutron
