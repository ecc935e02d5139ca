#pragma once
// dhcp_agent_scheduler: which hosts' DHCP agents serve a network, and an admin's say in it.
// By itself an agent serves the networks its guests need (it asks for their network:dhcp
// ports); an admin may add a network to a host's DHCP agent (the host gets the network's DHCP
// port, so its agent runs qdhcp-<network>) or take one away (the port goes, and the agent's
// later requests for it are not granted), as Neutron's add/remove_network_to/from_dhcp_agent
// bind and unbind. The choice is kept per host in networkdhcpagentchoices. Admin only.
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/neutron/network_service.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/port_service.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class DhcpAgentScheduler {
 public:
  DhcpAgentScheduler(const agents::AgentService& agents, const NetworkService& networks,
                     const PortService& ports)
      : agents_(agents), networks_(networks), ports_(ports) {}

  // The agent on `host` asks for the DHCP ports of `asked`: the host's network:dhcp ports
  // become those, less the networks an admin took from it, plus those an admin gave it.
  // True when a port was created or deleted.
  bool ensure_ports(store::SqlSession& s, const std::string& host,
                    const std::vector<std::string>& asked) const;

  // GET /agents/{id}/dhcp-networks: empty for an agent that is no DHCP agent, as Neutron.
  std::vector<Json> networks_on_agent(store::SqlSession& s, const AuthContext& ctx,
                                      const std::string& agent_id) const;
  // GET /networks/{id}/dhcp-agents.
  std::vector<Json> agents_hosting(store::SqlSession& s, const AuthContext& ctx,
                                   const std::string& network_id) const;
  // POST /agents/{id}/dhcp-networks {"network_id": ...}: 404 NetworkNotFound, 404
  // InvalidDHCPAgent (no DHCP agent, or disabled), 409 NetworkHostedByDHCPAgent.
  void add(store::SqlSession& s, const AuthContext& ctx, const std::string& agent_id,
           const Json& body) const;
  // DELETE /agents/{id}/dhcp-networks/{network}: 409 NetworkNotHostedByDhcpAgent.
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& agent_id,
              const std::string& network_id) const;

 private:
  // Creates the host's DHCP port of the network if it has a DHCP subnet; true if it did.
  bool create_port(store::SqlSession& s, const std::string& host,
                   const std::string& network_id) const;
  void remember(store::SqlSession& s, const std::string& network_id, const std::string& host,
                bool hosted) const;
  bool hosts(store::SqlSession& s, const std::string& network_id, const std::string& host) const;

  const agents::AgentService& agents_;
  const NetworkService& networks_;
  const PortService& ports_;
};

}  // namespace neutrino::neutron
