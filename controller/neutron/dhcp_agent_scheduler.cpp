#include "controller/neutron/dhcp_agent_scheduler.hpp"

#include <set>

#include "controller/api/api_error.hpp"
#include "controller/neutron/dhcp_hosting.hpp"

namespace neutrino::neutron {
namespace {

void require_admin(const AuthContext& ctx, const std::string& action) {
  if (!ctx.is_admin()) {
    throw api::forbidden("(rule:" + action + ") is disallowed by policy");
  }
}

// The DHCP service acts as admin within the network's project.
AuthContext dhcp_service(const std::string& project_id) {
  AuthContext service;
  service.roles = {"admin"};
  service.project_id = project_id;
  return service;
}

const char* kHostDhcpPorts =
    "SELECT p.id, p.network_id FROM ports p JOIN ml2_port_bindings b ON b.port_id = p.id "
    "WHERE p.device_owner = 'network:dhcp' AND b.host = ?";

}  // namespace

bool DhcpAgentScheduler::create_port(store::SqlSession& s, const std::string& host,
                                     const std::string& network_id) const {
  const auto network = NetworkService::find(s, network_id);
  if (!network) {
    return false;
  }
  Json fixed_ips = Json::array();
  for (const auto& r : s.query("SELECT id FROM subnets WHERE network_id = ? AND enable_dhcp = 1 "
                               "ORDER BY created_at",
                               {network_id})) {
    fixed_ips.push_back({{"subnet_id", r.text(0)}});
  }
  if (fixed_ips.empty()) {
    return false;
  }
  ports_.create(s, dhcp_service(network->project_id),
                {{"network_id", network_id},
                 {"project_id", network->project_id},
                 {"device_owner", "network:dhcp"},
                 {"device_id", "dhcp-" + host + "-" + network_id},
                 {"binding:host_id", host},
                 {"fixed_ips", fixed_ips}});
  return true;
}

bool DhcpAgentScheduler::ensure_ports(store::SqlSession& s, const std::string& host,
                                      const std::vector<std::string>& asked) const {
  std::set<std::string> wanted(asked.begin(), asked.end());
  for (const auto& r :
       s.query("SELECT network_id, hosted FROM networkdhcpagentchoices WHERE host = ?", {host})) {
    if (r.boolean(1)) {
      wanted.insert(r.text(0));
    } else {
      wanted.erase(r.text(0));
    }
  }
  bool changed = false;
  std::set<std::string> present;
  for (const auto& r : s.query(kHostDhcpPorts, {host})) {
    if (wanted.contains(r.text(1))) {
      present.insert(r.text(1));
    } else {
      ports_.remove(s, dhcp_service(""), r.text(0));
      changed = true;
    }
  }
  for (const auto& network_id : wanted) {
    if (!present.contains(network_id) && create_port(s, host, network_id)) {
      changed = true;
    }
  }
  return changed;
}

bool DhcpAgentScheduler::hosts(store::SqlSession& s, const std::string& network_id,
                               const std::string& host) const {
  return !DhcpHosting::rows(s, network_id, host).empty();
}

void DhcpAgentScheduler::remember(store::SqlSession& s, const std::string& network_id,
                                  const std::string& host, bool hosted) const {
  s.execute("DELETE FROM networkdhcpagentchoices WHERE network_id = ? AND host = ?",
            {network_id, host});
  s.execute("INSERT INTO networkdhcpagentchoices (network_id, host, hosted) VALUES (?, ?, ?)",
            {network_id, host, int64_t{hosted}});
}

std::vector<Json> DhcpAgentScheduler::networks_on_agent(store::SqlSession& s,
                                                        const AuthContext& ctx,
                                                        const std::string& agent_id) const {
  require_admin(ctx, "get_dhcp-networks");
  const Json agent = agents_.show(s, ctx, agent_id);
  std::vector<Json> out;
  if (agent["agent_type"] != agents::kDhcpAgentType) {
    return out;
  }
  for (const auto& row : DhcpHosting::rows(s, std::nullopt, agent["host"].get<std::string>())) {
    out.push_back(networks_.show(s, ctx, row.network_id));
  }
  return out;
}

std::vector<Json> DhcpAgentScheduler::agents_hosting(store::SqlSession& s, const AuthContext& ctx,
                                                     const std::string& network_id) const {
  require_admin(ctx, "get_dhcp-agents");
  networks_.show(s, ctx, network_id);
  std::vector<Json> out;
  for (const auto& row : DhcpHosting::rows(s, network_id)) {
    out.push_back(agents_.show(s, ctx, row.agent_id));
  }
  return out;
}

void DhcpAgentScheduler::add(store::SqlSession& s, const AuthContext& ctx,
                             const std::string& agent_id, const Json& body) const {
  require_admin(ctx, "create_dhcp-network");
  const auto id = body.find("network_id");
  if (id == body.end() || !id->is_string()) {
    throw api::bad_request("Unable to find 'network_id' in request body");
  }
  const std::string network_id = id->get<std::string>();
  networks_.show(s, ctx, network_id);
  const Json agent = agents_.show(s, ctx, agent_id);
  if (agent["agent_type"] != agents::kDhcpAgentType || !agent["admin_state_up"].get<bool>()) {
    throw api::not_found("Agent " + agent_id + " is not a valid DHCP Agent or has been disabled.",
                         "InvalidDHCPAgent");
  }
  const std::string host = agent["host"];
  if (hosts(s, network_id, host)) {
    throw api::conflict("NetworkHostedByDHCPAgent", "The network " + network_id +
                                                        " has been already hosted by the DHCP "
                                                        "Agent " +
                                                        agent_id + ".");
  }
  remember(s, network_id, host, true);
  create_port(s, host, network_id);
}

void DhcpAgentScheduler::remove(store::SqlSession& s, const AuthContext& ctx,
                                const std::string& agent_id, const std::string& network_id) const {
  require_admin(ctx, "delete_dhcp-network");
  const Json agent = agents_.show(s, ctx, agent_id);
  const std::string host = agent["host"];
  if (agent["agent_type"] != agents::kDhcpAgentType || !hosts(s, network_id, host)) {
    throw api::conflict(
        "NetworkNotHostedByDhcpAgent",
        "The network " + network_id + " is not hosted by the DHCP Agent " + agent_id + ".");
  }
  remember(s, network_id, host, false);
  for (const auto& r : s.query(kHostDhcpPorts, {host})) {
    if (r.text(1) == network_id) {
      ports_.remove(s, dhcp_service(""), r.text(0));
    }
  }
}

}  // namespace neutrino::neutron
