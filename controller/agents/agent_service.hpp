#pragma once
// The agents table: one row per (agent type, host), refreshed by every heartbeat an agent
// sends over the push channel. An agent whose last heartbeat is older than the down time is
// shown dead, as Neutron's agent_down_time does.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::agents {

constexpr const char* kOvsAgentType = "Open vSwitch agent";
constexpr const char* kDhcpAgentType = "DHCP agent";
constexpr const char* kMetadataAgentType = "Metadata agent";

// What one neutrino-agent says about itself. It does the work of Neutron's Open vSwitch, DHCP
// and (with a metadata service) metadata agents, so it shows as those agents, as Neutron lists
// them: one row each, sharing the host's heartbeat.
struct AgentReport {
  std::string host;
  std::string binary = "neutrino-agent";
  Json configurations = Json::object();  // the Open vSwitch agent's
  std::string availability_zone = "nova";
  bool serves_dhcp = true;
  bool serves_metadata = false;
  // Set while the agent is connected to this controller's push channel, one per session: only
  // connected agents are chosen as a router's gateway host.
  std::string channel_session;
};

class AgentService {
 public:
  explicit AgentService(int64_t down_time_seconds = 75) : down_time_(down_time_seconds) {}

  // Creates or refreshes the host's rows; `started` marks a (re)connection. Returns the id of
  // its Open vSwitch agent.
  std::string report(store::SqlSession& s, const AgentReport& report, bool started) const;
  // False when a row is gone (an admin deleted the agent): the caller reports again, as a
  // Neutron agent reappears at its next report.
  bool heartbeat(store::SqlSession& s, const AgentReport& report) const;
  // The session ended: the host's agent is no longer connected, unless a newer session of it is.
  void disconnected(store::SqlSession& s, const std::string& host,
                    const std::string& channel_session) const;
  // At controller start: no agent is connected yet, whatever the rows say.
  void forget_sessions(store::SqlSession& s) const;

  // Admin-only resource: members see none (404 on show), as Neutron's default policy says.
  Json show(store::SqlSession& s, const identity::AuthContext& ctx, const std::string& id) const;
  std::vector<Json> list(store::SqlSession& s, const identity::AuthContext& ctx) const;
  Json update(store::SqlSession& s, const identity::AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const identity::AuthContext& ctx, const std::string& id) const;

  // The alive, enabled agent of a type on a host, if any (port binding asks this).
  std::optional<Json> alive_on_host(store::SqlSession& s, const std::string& host,
                                    const std::string& agent_type = kOvsAgentType) const;
  int64_t down_time() const { return down_time_; }

 private:
  std::vector<Json> load(store::SqlSession& s, const std::optional<std::string>& id) const;

  int64_t down_time_;
};

// Neutron shows agent times as "2026-11-22 06:41:43".
std::string agent_time(int64_t unix_seconds);

}  // namespace neutrino::agents
