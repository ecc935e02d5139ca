#include "controller/channel/host_state.hpp"

#include <set>

#include "controller/channel/instance_objects.hpp"
#include "controller/channel/port_option_objects.hpp"
#include "controller/channel/router_objects.hpp"

#include "controller/neutron/ip_protocols.hpp"
#include "controller/neutron/security_group_rule_input.hpp"

namespace neutrino::channel {
namespace {

std::map<std::string, Json> fixed_ips_by_port(store::SqlSession& s, const std::string& where,
                                              const store::SqlParams& params) {
  std::map<std::string, Json> out;
  for (const auto& r :
       s.query("SELECT a.port_id, a.subnet_id, a.ip_address FROM ipallocations a JOIN ports p ON "
               "p.id = a.port_id JOIN ml2_port_bindings b ON b.port_id = p.id " +
                   where + " ORDER BY a.port_id, a.position",
               params)) {
    out[r.text(0)].push_back({{"subnet_id", r.text(1)}, {"ip_address", r.text(2)}});
  }
  return out;
}

Json optional_text(const store::SqlRow& r, size_t i) {
  return r.is_null(i) ? Json(nullptr) : Json(r.text(i));
}

// "address_group:<id>" with the addresses of each group a rule names.
void add_address_groups(store::SqlSession& s, const std::set<std::string>& groups,
                        HostState& state) {
  for (const auto& group_id : groups) {
    Json addresses = Json::array();
    for (const auto& r : s.query("SELECT address FROM address_associations WHERE "
                                 "address_group_id = ? ORDER BY address",
                                 {group_id})) {
      addresses.push_back(r.text(0));
    }
    state["address_group:" + group_id] = {{"id", group_id}, {"addresses", addresses}};
  }
}

// "security_group:<id>" for every group of the host's ports, "remote_group:<id>" with the
// addresses of every member of each group their rules name as remote_group_id, and the
// address groups they name as remote_address_group_id.
void add_security_groups(store::SqlSession& s, const std::set<std::string>& groups,
                         HostState& state) {
  std::set<std::string> remotes;
  std::set<std::string> address_groups;
  for (const auto& group_id : groups) {
    Json rules = Json::array();
    for (const auto& r :
         s.query("SELECT id, direction, ethertype, protocol, port_range_min, port_range_max, "
                 "remote_ip_prefix, remote_group_id, remote_address_group_id FROM "
                 "securitygrouprules WHERE security_group_id = ? ORDER BY id",
                 {group_id})) {
      const std::string ethertype = r.text(2);
      const auto protocol = neutron::protocol_number(
          r.is_null(3) ? std::nullopt : std::optional(r.text(3)), ethertype);
      const auto prefix =
          neutron::normalized_cidr(r.is_null(6) ? std::nullopt : std::optional(r.text(6)));
      if (!r.is_null(7)) {
        remotes.insert(r.text(7));
      }
      if (!r.is_null(8)) {
        address_groups.insert(r.text(8));
      }
      rules.push_back({{"id", r.text(0)},
                       {"direction", r.text(1)},
                       {"ethertype", ethertype},
                       {"protocol", protocol ? Json(*protocol) : Json(nullptr)},
                       {"port_range_min", r.is_null(4) ? Json(nullptr) : Json(r.integer(4))},
                       {"port_range_max", r.is_null(5) ? Json(nullptr) : Json(r.integer(5))},
                       {"remote_ip_prefix", prefix ? Json(*prefix) : Json(nullptr)},
                       {"remote_group_id", optional_text(r, 7)},
                       {"remote_address_group_id", optional_text(r, 8)}});
    }
    const auto stateful = s.query("SELECT stateful FROM securitygroups WHERE id = ?", {group_id});
    state["security_group:" + group_id] = {{"id", group_id},
                                           {"stateful", stateful.empty() || stateful[0].boolean(0)},
                                           {"rules", rules}};
  }
  for (const auto& group_id : remotes) {
    state["remote_group:" + group_id] = {{"id", group_id},
                                         {"addresses", remote_group_addresses(s, group_id)}};
  }
  add_address_groups(s, address_groups, state);
}

}  // namespace

HostState build_host_state(store::SqlSession& s, const std::string& host) {
  HostState state;
  std::set<std::string> networks;
  auto ips = fixed_ips_by_port(s, "WHERE b.host = ?", {host});
  auto pairs = address_pairs_by_port(s, "WHERE b.host = ?", {host});
  auto dhcp_opts = dhcp_opts_by_port(s, "WHERE b.host = ?", {host});
  std::map<std::string, std::vector<std::string>> port_groups;
  std::set<std::string> groups;
  for (const auto& r :
       s.query("SELECT g.port_id, g.security_group_id FROM securitygroupportbindings g JOIN "
               "ml2_port_bindings b ON b.port_id = g.port_id WHERE b.host = ? ORDER BY "
               "g.security_group_id",
               {host})) {
    port_groups[r.text(0)].push_back(r.text(1));
    groups.insert(r.text(1));
  }
  for (const auto& r : s.query(
           "SELECT p.id, p.network_id, p.mac_address, p.admin_state_up, p.port_security_enabled, "
           "p.device_owner, p.device_id, p.project_id FROM ports p JOIN ml2_port_bindings b ON "
           "b.port_id = p.id WHERE b.host = ?",
           {host})) {
    const std::string id = r.text(0);
    networks.insert(r.text(1));
    state["port:" + id] = {
        {"id", id},
        {"network_id", r.text(1)},
        {"mac_address", r.text(2)},
        {"admin_state_up", r.boolean(3)},
        {"port_security_enabled", r.boolean(4)},
        {"device_owner", r.text(5)},
        {"device_id", r.text(6)},
        {"project_id", r.text(7)},
        {"fixed_ips", ips.contains(id) ? ips[id] : Json::array()},
        {"security_groups", port_groups.contains(id) ? Json(port_groups[id]) : Json::array()},
        {"allowed_address_pairs", pairs.contains(id) ? pairs[id] : Json::array()},
        {"extra_dhcp_opts", dhcp_opts.contains(id) ? dhcp_opts[id] : Json::array()}};
  }
  add_security_groups(s, groups, state);
  add_instances(s, host, state);
  std::set<std::string> held = networks;
  const auto routed = routed_networks(s, host, networks);
  held.insert(routed.begin(), routed.end());
  for (const auto& network_id : held) {
    const auto n = s.query(
        "SELECT n.mtu, n.admin_state_up, g.network_type, g.physical_network, g.segmentation_id "
        "FROM networks n LEFT JOIN networksegments g ON g.network_id = n.id WHERE n.id = ? "
        "ORDER BY g.segment_index",
        {network_id});
    if (n.empty()) {
      continue;
    }
    state["network:" + network_id] = {
        {"id", network_id},
        {"mtu", n[0].integer(0)},
        {"admin_state_up", n[0].boolean(1)},
        {"network_type", n[0].text(2)},
        {"physical_network", n[0].is_null(3) ? Json(nullptr) : Json(n[0].text(3))},
        {"segmentation_id", n[0].is_null(4) ? Json(nullptr) : Json(n[0].integer(4))}};
    for (const auto& sub : s.query("SELECT id, cidr, gateway_ip, enable_dhcp, ip_version FROM "
                                   "subnets WHERE network_id = ?",
                                   {network_id})) {
      Json dns = Json::array();
      for (const auto& d :
           s.query("SELECT address FROM dnsnameservers WHERE subnet_id = ? ORDER BY \"order\"",
                   {sub.text(0)})) {
        dns.push_back(d.text(0));
      }
      Json routes = Json::array();
      for (const auto& h :
           s.query("SELECT destination, nexthop FROM subnetroutes WHERE subnet_id = ? ORDER BY "
                   "destination, nexthop",
                   {sub.text(0)})) {
        routes.push_back({{"destination", h.text(0)}, {"nexthop", h.text(1)}});
      }
      state["subnet:" + sub.text(0)] = {
          {"id", sub.text(0)},
          {"network_id", network_id},
          {"cidr", sub.text(1)},
          {"gateway_ip", sub.is_null(2) ? Json(nullptr) : Json(sub.text(2))},
          {"enable_dhcp", sub.boolean(3)},
          {"ip_version", sub.integer(4)},
          {"dns_nameservers", dns},
          {"host_routes", routes}};
    }
    // Where every other port of the network lives: its host's tunnel IP from the agents table.
    auto remote_ips =
        fixed_ips_by_port(s, "WHERE p.network_id = ? AND b.host <> ?", {network_id, host});
    auto remote_pairs =
        address_pairs_by_port(s, "WHERE p.network_id = ? AND b.host <> ?", {network_id, host});
    for (const auto& r :
         s.query("SELECT p.id, p.mac_address, b.host, a.configurations FROM ports p JOIN "
                 "ml2_port_bindings b ON b.port_id = p.id LEFT JOIN agents a ON a.host = b.host "
                 "AND a.agent_type = 'Open vSwitch agent' "
                 "WHERE p.network_id = ? AND b.host <> '' AND b.host <> ?",
                 {network_id, host})) {
      const Json config = r.is_null(3) ? Json::object() : Json::parse(r.text(3), nullptr, false);
      const std::string id = r.text(0);
      state["remote:" + id] = {
          {"id", id},
          {"network_id", network_id},
          {"mac_address", r.text(1)},
          {"host", r.text(2)},
          {"tunnel_ip", config.is_object() ? config.value("tunneling_ip", "") : ""},
          {"fixed_ips", remote_ips.contains(id) ? remote_ips[id] : Json::array()},
          {"allowed_address_pairs", remote_pairs.contains(id) ? remote_pairs[id] : Json::array()}};
    }
  }
  add_routers(s, host, networks, state);
  return state;
}

}  // namespace neutrino::channel
