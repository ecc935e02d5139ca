#pragma once
// The ports L3 resources own: router interfaces (network:router_interface), router gateways
// (network:router_gateway) and floating IP addresses (network:floatingip). They are ordinary
// Neutron ports, listed by the port API, created on behalf of the router or floating IP.
// Gateway and floating IP ports belong to no project (project_id ""), as in Neutron, so they
// count against no port quota.
#include <optional>
#include <string>

#include "common/json.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

inline constexpr const char* kRouterInterfaceOwner = "network:router_interface";
inline constexpr const char* kRouterGatewayOwner = "network:router_gateway";
inline constexpr const char* kFloatingIpOwner = "network:floatingip";

// A subnet as router interfaces and floating IPs see it.
struct L3Subnet {
  std::string id;
  std::string network_id;
  std::string project_id;
  std::string cidr;
  std::optional<std::string> gateway_ip;
  int ip_version = 4;
};

class L3Ports {
 public:
  explicit L3Ports(const PortService& ports) : ports_(ports) {}

  // Creates a port owned by `device_owner` with device_id `device_id` on `network_id`;
  // `project_id` "" for gateway and floating IP ports. `fixed_ips` as the port API takes it
  // (nullopt: one address per IP version). Returns the port's id.
  std::string create(store::SqlSession& s, const std::string& network_id,
                     const std::string& project_id, const std::string& device_owner,
                     const std::string& device_id, const std::optional<Json>& fixed_ips) const;
  // Deletes a port the L3 code owns (no ownership check: the caller checked the router).
  void remove(store::SqlSession& s, const std::string& port_id) const;
  // The port as the API shows it to an admin.
  Json show(store::SqlSession& s, const std::string& port_id) const;

  // The subnet, or nullopt if there is none.
  static std::optional<L3Subnet> find_subnet(store::SqlSession& s, const std::string& id);
  // The subnet if `ctx` may see it (its project, admin, or on a shared network); 404 otherwise.
  static L3Subnet visible_subnet(store::SqlSession& s, const AuthContext& ctx,
                                 const std::string& id);
  // Before DELETE /v2.0/ports/<id>: 409 ServicePortInUse when a router or floating IP that
  // still exists owns the port (it goes with its owner, Neutron's answer); otherwise the
  // floating IPs associated with the port are disassociated.
  static void before_port_delete(store::SqlSession& s, const std::string& port_id);

 private:
  const PortService& ports_;
};

}  // namespace neutrino::neutron
