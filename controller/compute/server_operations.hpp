#pragma once
// What changes servers: create (validation, quota, scheduling, instance records and ports,
// all in one store transaction), delete, the power actions, renames; and what the agents
// report back over the push channel (instance states, applied reboots, destroyed guests).
// Every change that alters a host's desired state ends with the change listener, which
// makes the channel push it.
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/json.hpp"
#include "controller/compute/compute_settings.hpp"
#include "controller/compute/server_create_request.hpp"
#include "controller/compute/server_ports.hpp"
#include "controller/compute/server_record.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/scheduler/filter_scheduler.hpp"
#include "controller/store/database.hpp"

namespace neutrino::compute {

class ServerOperations {
 public:
  ServerOperations(store::Database& db, const neutron::PortService& ports,
                   const ComputeSettings& settings);

  void set_change_listener(std::function<void()> listener) { changed_ = std::move(listener); }

  struct Created {
    std::vector<ServerRecord> servers;
    std::string reservation_id;
    std::string admin_pass;
  };
  // server_creation.cpp
  Created create(const identity::AuthContext& ctx, const ServerCreateRequest& request);

  // server_actions.cpp. Each throws 404 for a server the caller may not see and 409 with
  // Nova's "Cannot '<action>' instance <id> while it is in <attr> <state>" when the state
  // does not allow it.
  void remove(const identity::AuthContext& ctx, const std::string& id);
  void stop(const identity::AuthContext& ctx, const std::string& id);
  void start(const identity::AuthContext& ctx, const std::string& id);
  void reboot(const identity::AuthContext& ctx, const std::string& id, bool hard);
  ServerRecord update(const identity::AuthContext& ctx, const std::string& id,
                      const std::optional<std::string>& name,
                      const std::optional<std::optional<std::string>>& description);

  // server_reports.cpp: the agent of `host` reported these instances (contract section 4).
  // Returns true when a host's desired state changed as a result.
  bool apply_reports(const std::string& host, const Json& instances);
  // The agent of `host` applied a state holding these reboot counts.
  void reboots_applied(const std::string& host,
                       const std::vector<std::pair<std::string, int64_t>>& counts);
  // Finishes deleting instances whose host is gone (no host, or its agent is dead).
  void reap();

 private:
  // Deletes a server's ports (unbinding given ones) and its records.
  void finalize_delete(store::SqlSession& s, const ServerRecord& server) const;
  bool host_alive(store::SqlSession& s, const std::optional<std::string>& host) const;

  store::Database& db_;
  ServerPorts ports_;
  ComputeSettings settings_;
  scheduler::FilterScheduler scheduler_;
  std::function<void()> changed_ = [] {};
};

}  // namespace neutrino::compute
