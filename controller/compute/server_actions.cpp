// Delete, stop, start, reboot and rename: state checks as Nova's compute API makes them, then
// the desired state the agent acts on (power, start_count, reboot_count and
// reboot_type, presence).
#include "common/clock.hpp"
#include "common/log.hpp"
#include "controller/api/api_error.hpp"
#include "controller/compute/server_operations.hpp"
#include "controller/compute/server_store.hpp"

namespace neutrino::compute {
namespace {

api::ApiError invalid_state(const std::string& action, const ServerRecord& server,
                            bool task = false) {
  const std::string attr = task ? "task_state" : "vm_state";
  const std::string state = task ? server.task_state.value_or("None") : server.vm_state;
  return api::conflict("InstanceInvalidState", "Cannot '" + action + "' instance " + server.id() +
                                                   " while it is in " + attr + " " + state);
}

// Nova's @check_instance_state: the vm_state must be one of `vm_states` and there must be no
// task in progress.
void check_state(const std::string& action, const ServerRecord& server,
                 std::initializer_list<const char*> vm_states) {
  bool allowed = false;
  for (const char* state : vm_states) {
    allowed = allowed || server.vm_state == state;
  }
  if (!allowed) {
    throw invalid_state(action, server);
  }
  if (server.task_state) {
    throw invalid_state(action, server, true);
  }
  if (!server.host) {
    throw api::conflict("InstanceNotReady", "Instance " + server.id() + " is not ready");
  }
}

}  // namespace

ServerOperations::ServerOperations(store::Database& db, const neutron::PortService& ports,
                                   const ComputeSettings& settings)
    : db_(db), ports_(ports), settings_(settings), scheduler_(settings.scheduler) {}

bool ServerOperations::host_alive(store::SqlSession& s,
                                  const std::optional<std::string>& host) const {
  if (!host) {
    return false;
  }
  const auto rows = s.query("SELECT MAX(heartbeat_timestamp) FROM agents WHERE host = ?", {*host});
  return !rows.empty() && !rows[0].is_null(0) &&
         clock::now_unix_seconds() - rows[0].integer(0) <= settings_.service_down_time;
}

void ServerOperations::finalize_delete(store::SqlSession& s, const ServerRecord& server) const {
  ports_.detach(s, server.id(), server.project_id());
  ServerStore::remove(s, server.id());
  log::info("server ", server.id(), " deleted");
}

void ServerOperations::remove(const identity::AuthContext& ctx, const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    const ServerRecord server = ServerStore::visible(s, ctx, id);
    if (!host_alive(s, server.host)) {
      // Nothing runs it (never placed, or its host is dead): delete at once, as Nova's
      // local delete does.
      finalize_delete(s, server);
      return;
    }
    // The instance leaves its host's desired state, which tells the agent to destroy it; its
    // ports and records go when the agent reports it gone (or its host dies).
    ServerStore::save_state(s, id, server.vm_state, std::string("deleting"), server.power_state,
                            server.desired_power);
  });
  changed_();
}

void ServerOperations::stop(const identity::AuthContext& ctx, const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    const ServerRecord server = ServerStore::visible(s, ctx, id);
    check_state("stop", server, {"active", "error"});
    ServerStore::save_state(s, id, server.vm_state, std::string("powering-off"), server.power_state,
                            "stopped");
  });
  changed_();
}

void ServerOperations::start(const identity::AuthContext& ctx, const std::string& id) {
  db_.write([&](store::SqlSession& s) {
    const ServerRecord server = ServerStore::visible(s, ctx, id);
    check_state("start", server, {"stopped"});
    ServerStore::bump_start(s, id);
    ServerStore::save_state(s, id, server.vm_state, std::string("powering-on"), server.power_state,
                            "running");
  });
  changed_();
}

void ServerOperations::reboot(const identity::AuthContext& ctx, const std::string& id, bool hard) {
  db_.write([&](store::SqlSession& s) {
    const ServerRecord server = ServerStore::visible(s, ctx, id);
    if (hard) {
      check_state("reboot", server, {"active", "stopped", "paused", "suspended", "error"});
    } else {
      check_state("reboot", server, {"active"});
    }
    ServerStore::bump_reboot(s, id, hard);
    ServerStore::save_state(s, id, server.vm_state,
                            std::string(hard ? "rebooting_hard" : "rebooting"), server.power_state,
                            "running");
  });
  changed_();
}

ServerRecord ServerOperations::update(
    const identity::AuthContext& ctx, const std::string& id, const std::optional<std::string>& name,
    const std::optional<std::optional<std::string>>& description) {
  return db_.write([&](store::SqlSession& s) {
    ServerStore::visible(s, ctx, id);
    if (name) {
      ServerStore::set_name(s, id, *name);
    }
    if (description) {
      ServerStore::set_description(s, id, *description);
    }
    return *ServerStore::find(s, id);
  });
}

}  // namespace neutrino::compute
