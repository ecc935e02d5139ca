#pragma once
// Reads and writes the compute columns of the instances table (the metadata columns go
// through metadata::InstanceStore), instance_ports and instance_faults. Instances registered
// through the metadata admin API have no vm_state and are not servers.
#include <optional>
#include <string>
#include <vector>

#include "controller/compute/server_record.hpp"
#include "controller/identity/auth_context.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct ServerPort {
  std::string port_id;
  bool preserve_on_delete = false;  // the user gave it: unbind, never delete
};

class ServerStore {
 public:
  static std::optional<ServerRecord> find(store::SqlSession& s, const std::string& id);
  // The server if the caller may see it: its project's, or any for an admin. 404 "Instance
  // <id> could not be found." otherwise, so other projects' servers stay secret.
  static ServerRecord visible(store::SqlSession& s, const identity::AuthContext& ctx,
                              const std::string& id);
  // Every server, or one project's; oldest first.
  static std::vector<ServerRecord> list(store::SqlSession& s,
                                        const std::optional<std::string>& project_id);
  // Those placed on a host (deleting ones included).
  static std::vector<ServerRecord> on_host(store::SqlSession& s, const std::string& host);

  // Writes the compute columns of an instance row metadata::InstanceStore just created.
  static void insert_compute(store::SqlSession& s, const ServerRecord& server);
  static void save_state(store::SqlSession& s, const std::string& id, const std::string& vm_state,
                         const std::optional<std::string>& task_state, int power_state,
                         const std::string& desired_power);
  static void set_launched(store::SqlSession& s, const std::string& id);
  // Counts one more reboot of `hard` kind ("HARD", else "SOFT") for the agent to carry out.
  static void bump_reboot(store::SqlSession& s, const std::string& id, bool hard);
  // Counts one more start for the agent to carry out.
  static void bump_start(store::SqlSession& s, const std::string& id);
  static void set_description(store::SqlSession& s, const std::string& id,
                              const std::optional<std::string>& description);
  static void set_name(store::SqlSession& s, const std::string& id, const std::string& name);
  static void add_fault(store::SqlSession& s, const std::string& id, const InstanceFault& fault);

  static void add_port(store::SqlSession& s, const std::string& id, const ServerPort& port,
                       int position);
  static std::vector<ServerPort> ports(store::SqlSession& s, const std::string& id);
  // Deletes the instance row; ports, faults and instance_ports rows go with it.
  static void remove(store::SqlSession& s, const std::string& id);
};

}  // namespace neutrino::compute
