#include "controller/neutron/router_interfaces.hpp"

#include <set>

#include "common/text_prefix.hpp"
#include "controller/api/api_error.hpp"
#include "controller/ipam/cidr.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/neutron/resource_schema.hpp"
#include "controller/neutron/router_port_status.hpp"
#include "controller/neutron/router_routes.hpp"
#include "controller/neutron/router_service.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::neutron {
namespace {

api::ApiError bad_router(const std::string& message) {
  return api::bad_request("Bad router request: " + message, "BadRequest");
}

std::string uuid_field(const Json& body, const char* key) {
  const Json& value = body[key];
  if (!value.is_string() || !is_uuid(value.get<std::string>())) {
    throw api::bad_request("Invalid input for " + std::string(key) + ". Reason: '" +
                           json_prefix(value) + "' is not a valid UUID.");
  }
  return value.get<std::string>();
}

// Subnets of the router's interfaces: (subnet id, cidr).
std::vector<std::pair<std::string, std::string>> interface_subnets(store::SqlSession& s,
                                                                   const std::string& router_id) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : s.query("SELECT DISTINCT a.subnet_id, sn.cidr FROM routerports rp "
                               "JOIN ipallocations a ON a.port_id = rp.port_id "
                               "JOIN subnets sn ON sn.id = a.subnet_id "
                               "WHERE rp.router_id = ? AND rp.port_type = ?",
                               {router_id, std::string(kRouterInterfaceOwner)})) {
    out.emplace_back(r.text(0), r.text(1));
  }
  return out;
}

// Neutron's _check_for_dup_router_subnets.
void check_new_subnet(store::SqlSession& s, const std::string& router_id, const L3Subnet& subnet) {
  const ipam::Cidr cidr = ipam::Cidr::parse(subnet.cidr);
  for (const auto& [id, other] : interface_subnets(s, router_id)) {
    if (id == subnet.id) {
      throw bad_router("Router already has a port on subnet " + subnet.id + ".");
    }
    if (ipam::Cidr::parse(other).overlaps(cidr)) {
      throw bad_router("Cidr " + subnet.cidr + " of subnet " + subnet.id + " overlaps with cidr " +
                       other + " of subnet " + id + ".");
    }
  }
}

// 409 when a floating IP reaches a port on the subnet through this router.
void check_not_needed_by_floating_ips(store::SqlSession& s, const std::string& router_id,
                                      const std::string& subnet_id) {
  if (!s.query("SELECT 1 FROM floatingips f JOIN ipallocations a ON a.port_id = f.fixed_port_id "
               "AND a.ip_address = f.fixed_ip_address WHERE f.router_id = ? AND a.subnet_id = ?",
               {router_id, subnet_id})
           .empty()) {
    throw api::conflict("RouterInterfaceInUseByFloatingIP",
                        "Router interface for subnet " + subnet_id + " on router " + router_id +
                            " cannot be deleted, as it is required by one or more floating "
                            "IPs.");
  }
}

Json interface_info(store::SqlSession& s, const RouterInfo& router, const std::string& port_id,
                    const std::vector<std::string>& subnets) {
  const auto port = s.query("SELECT network_id FROM ports WHERE id = ?", {port_id});
  return {{"id", router.id},
          {"tenant_id", router.project_id},
          {"project_id", router.project_id},
          {"port_id", port_id},
          {"network_id", port.empty() ? "" : port[0].text(0)},
          {"subnet_id", subnets.empty() ? "" : subnets.front()},
          {"subnet_ids", subnets}};
}

std::vector<std::string> subnets_of_port(store::SqlSession& s, const std::string& port_id) {
  std::vector<std::string> out;
  for (const auto& r : s.query(
           "SELECT subnet_id FROM ipallocations WHERE port_id = ? ORDER BY position", {port_id})) {
    out.push_back(r.text(0));
  }
  return out;
}

void check_body(const Json& body) {
  const bool by_subnet = body.contains("subnet_id");
  const bool by_port = body.contains("port_id");
  if (by_subnet && by_port) {
    throw bad_router("Cannot specify both subnet-id and port-id");
  }
  if (!by_subnet && !by_port) {
    throw bad_router("Either subnet_id or port_id must be specified");
  }
}

}  // namespace

std::string RouterInterfaces::add_by_subnet(store::SqlSession& s, const AuthContext& ctx,
                                            const std::string& router_id,
                                            const std::string& subnet_id) const {
  const L3Subnet subnet = L3Ports::visible_subnet(s, ctx, subnet_id);
  if (!subnet.gateway_ip) {
    throw bad_router("Subnet for router interface must have a gateway IP");
  }
  check_new_subnet(s, router_id, subnet);
  const std::string port_id =
      ports_.create(s, subnet.network_id, subnet.project_id, kRouterInterfaceOwner, router_id,
                    Json::array({{{"subnet_id", subnet.id}, {"ip_address", *subnet.gateway_ip}}}));
  return port_id;
}

void RouterInterfaces::add_by_port(store::SqlSession& s, const AuthContext& ctx,
                                   const std::string& router_id, const std::string& port_id) const {
  const auto rows = s.query(
      "SELECT p.project_id, n.project_id, p.device_id, p.device_owner, p.network_id "
      "FROM ports p JOIN networks n ON n.id = p.network_id WHERE p.id = ?",
      {port_id});
  if (rows.empty() || !(owns(ctx, rows[0].text(0)) || owns(ctx, rows[0].text(1)))) {
    throw api::not_found("Port " + port_id + " could not be found.", "PortNotFound");
  }
  if (!rows[0].text(2).empty() || !rows[0].text(3).empty()) {
    throw api::conflict("PortInUse", "Unable to complete operation on port " + port_id +
                                         " for network " + rows[0].text(4) +
                                         ". Port already has an attached device " +
                                         rows[0].text(2) + ".");
  }
  const auto subnets = subnets_of_port(s, port_id);
  if (subnets.empty()) {
    throw bad_router("Router port must have at least one fixed IP");
  }
  int ipv4 = 0;
  for (const auto& id : subnets) {
    const auto subnet = L3Ports::find_subnet(s, id);
    ipv4 += subnet->ip_version == 4 ? 1 : 0;
    check_new_subnet(s, router_id, *subnet);
  }
  if (ipv4 > 1) {
    throw bad_router("Cannot have multiple IPv4 subnets on router port");
  }
  s.execute("UPDATE ports SET device_id = ?, device_owner = ? WHERE id = ?",
            {router_id, std::string(kRouterInterfaceOwner), port_id});
  PortService::touch(s, port_id);
}

Json RouterInterfaces::add(store::SqlSession& s, const AuthContext& ctx,
                           const std::string& router_id, const Json& body) const {
  const RouterInfo router = RouterService::visible(s, ctx, router_id);
  check_body(body);
  std::string port_id;
  if (body.contains("subnet_id")) {
    port_id = add_by_subnet(s, ctx, router_id, uuid_field(body, "subnet_id"));
  } else {
    port_id = uuid_field(body, "port_id");
    add_by_port(s, ctx, router_id, port_id);
  }
  s.execute("INSERT INTO routerports (router_id, port_id, port_type) VALUES (?, ?, ?)",
            {router_id, port_id, std::string(kRouterInterfaceOwner)});
  RouterPortStatus::sync(s, router_id);
  RouterService::touch(s, router_id);
  return interface_info(s, router, port_id, subnets_of_port(s, port_id));
}

Json RouterInterfaces::remove(store::SqlSession& s, const AuthContext& ctx,
                              const std::string& router_id, const Json& body) const {
  const RouterInfo router = RouterService::visible(s, ctx, router_id);
  check_body(body);
  std::string port_id;
  if (body.contains("port_id")) {
    port_id = uuid_field(body, "port_id");
    if (s.query("SELECT 1 FROM routerports WHERE router_id = ? AND port_id = ? AND port_type = ?",
                {router_id, port_id, std::string(kRouterInterfaceOwner)})
            .empty()) {
      throw api::not_found("Router " + router_id + " does not have an interface with id " + port_id,
                           "RouterInterfaceNotFound");
    }
  } else {
    const std::string subnet_id = uuid_field(body, "subnet_id");
    L3Ports::visible_subnet(s, ctx, subnet_id);
    const auto rows = s.query(
        "SELECT rp.port_id FROM routerports rp JOIN ipallocations a ON a.port_id = rp.port_id "
        "WHERE rp.router_id = ? AND rp.port_type = ? AND a.subnet_id = ?",
        {router_id, std::string(kRouterInterfaceOwner), subnet_id});
    if (rows.empty()) {
      throw api::not_found("Router " + router_id + " has no interface on subnet " + subnet_id,
                           "RouterInterfaceNotFoundForSubnet");
    }
    port_id = rows[0].text(0);
  }
  const auto subnets = subnets_of_port(s, port_id);
  for (const auto& id : subnets) {
    check_not_needed_by_floating_ips(s, router_id, id);
    RouterRoutes::check_not_needed(s, router_id, id, L3Ports::find_subnet(s, id)->cidr);
  }
  Json info = interface_info(s, router, port_id, subnets);
  s.execute("DELETE FROM routerports WHERE port_id = ?", {port_id});
  ports_.remove(s, port_id);
  RouterService::touch(s, router_id);
  return info;
}

}  // namespace neutrino::neutron
