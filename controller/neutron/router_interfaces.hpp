#pragma once
// PUT /v2.0/routers/<id>/add_router_interface and .../remove_router_interface, by subnet (a
// new network:router_interface port takes the subnet's gateway_ip) or by an existing port
// (it becomes the router's interface). A router holds at most one interface per subnet and
// no two overlapping subnets, as Neutron refuses (400).
#include <string>

#include "common/json.hpp"
#include "controller/neutron/l3_ports.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class RouterInterfaces {
 public:
  explicit RouterInterfaces(const L3Ports& ports) : ports_(ports) {}

  // Both answer Neutron's interface info: {id, tenant_id, project_id, port_id, network_id,
  // subnet_id, subnet_ids}.
  Json add(store::SqlSession& s, const AuthContext& ctx, const std::string& router_id,
           const Json& body) const;
  Json remove(store::SqlSession& s, const AuthContext& ctx, const std::string& router_id,
              const Json& body) const;

 private:
  std::string add_by_subnet(store::SqlSession& s, const AuthContext& ctx,
                            const std::string& router_id, const std::string& subnet_id) const;
  void add_by_port(store::SqlSession& s, const AuthContext& ctx, const std::string& router_id,
                   const std::string& port_id) const;

  const L3Ports& ports_;
};

}  // namespace neutrino::neutron
