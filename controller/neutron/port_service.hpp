#pragma once
// Ports: a MAC unique on the network, fixed IPs from the network's subnets, device and binding
// attributes. Status stays DOWN until an agent reports the port wired.
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/agents/agent_service.hpp"
#include "controller/neutron/list_query.hpp"
#include "controller/neutron/policy.hpp"
#include "controller/neutron/sql_prefilter.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::neutron {

class PortService {
 public:
  PortService(std::string base_mac, const agents::AgentService& agents)
      : base_mac_(std::move(base_mac)), agents_(agents) {}

  Json create(store::SqlSession& s, const AuthContext& ctx, const Json& attributes) const;
  Json show(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  // The ports the caller may see, narrowed in SQL by what `query` allows (the list engine
  // applies the whole query afterwards).
  std::vector<Json> list(store::SqlSession& s, const AuthContext& ctx,
                         const ListQuery& query = {}) const;
  Json update(store::SqlSession& s, const AuthContext& ctx, const std::string& id,
              const Json& attributes) const;
  void remove(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;

  // Marks a change: bumps revision_number and updated_at.
  static void touch(store::SqlSession& s, const std::string& id);
  // After the active binding changed: a direct-physical port takes the MAC its binding
  // profile names, or a new one (port-mac-override, port_mac_override.hpp).
  void apply_binding_mac(store::SqlSession& s, const std::string& id,
                         const std::string& network_id) const;

 private:
  std::vector<Json> load(store::SqlSession& s, const AuthContext& ctx,
                         const std::optional<std::string>& id,
                         const SqlPrefilter& narrow = {}) const;
  // Throws 404 PortNotFound unless the caller owns the port or the network it is on.
  void check_visible(store::SqlSession& s, const AuthContext& ctx, const std::string& id) const;
  std::string insert_with_mac(store::SqlSession& s, const std::vector<store::SqlValue>& row,
                              const std::optional<std::string>& requested_mac,
                              const std::string& network_id) const;

  // Gives the port a new random MAC (an update's mac_address=null).
  void replace_with_random_mac(store::SqlSession& s, const std::string& id,
                               const std::string& network_id) const;
  // Binds the port to a host: vif_type "ovs" when an alive Open vSwitch agent serves the host,
  // "binding_failed" when none does, "unbound" without a host.
  void bind_to_host(store::SqlSession& s, const std::string& id, const std::string& host) const;

  std::string base_mac_;
  const agents::AgentService& agents_;
};

}  // namespace neutrino::neutron
