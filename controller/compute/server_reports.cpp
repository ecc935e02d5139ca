// What agents tell the controller about their instances (compute contract section 4), and
// the sweep that finishes deletions on hosts that will never report again.
#include "common/log.hpp"
#include "controller/compute/server_operations.hpp"
#include "controller/compute/server_status.hpp"
#include "controller/compute/server_store.hpp"

namespace neutrino::compute {
namespace {

std::string text_of(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

// Agents are trusted less than the controller: cap what they can make us store.
std::string capped(std::string text, size_t limit) {
  if (text.size() > limit) {
    text.resize(limit);
  }
  return text;
}

}  // namespace

bool ServerOperations::apply_reports(const std::string& host, const Json& instances) {
  if (!instances.is_array()) {
    return false;
  }
  bool changed = false;
  db_.write([&](store::SqlSession& s) {
    for (const auto& entry : instances) {
      if (!entry.is_object()) {
        continue;
      }
      const auto server = ServerStore::find(s, text_of(entry, "id"));
      if (!server || server->host != host) {
        continue;  // only the host's own instances
      }
      StateReport report{text_of(entry, "power_state"), text_of(entry, "task"), false};
      if (server->task_state == "deleting") {
        if (report.power_state == "nostate" || report.task == "deleted") {
          finalize_delete(s, *server);
          changed = true;
        }
        continue;
      }
      const InstanceState before{server->vm_state, server->task_state, server->power_state,
                                 server->desired_power};
      const InstanceState after = apply_report(before, report);
      if (report.task == "error") {
        const Json fault = entry.value("fault", Json());
        InstanceFault f;
        f.message = capped(fault.is_object() ? text_of(fault, "message") : "", 4096);
        f.details = capped(fault.is_object() ? text_of(fault, "details") : "", 65536);
        if (f.message.empty()) {
          f.message = "Build of instance " + server->id() + " failed on host " + host + ".";
        }
        if (server->vm_state != "error" || !server->fault || server->fault->message != f.message) {
          ServerStore::add_fault(s, server->id(), f);
        }
      }
      if (after.vm_state != before.vm_state || after.task_state != before.task_state ||
          after.power_state != before.power_state || after.desired_power != before.desired_power) {
        ServerStore::save_state(s, server->id(), after.vm_state, after.task_state,
                                after.power_state, after.desired_power);
        log::info("server ", server->id(), " on ", host, ": ", before.vm_state, " -> ",
                  after.vm_state, " (power ", report.power_state, ", task ", report.task, ")");
      }
      if (after.vm_state == "active") {
        ServerStore::set_launched(s, server->id());
      }
      changed = changed || after.desired_power != before.desired_power;
    }
  });
  if (changed) {
    changed_();
  }
  return changed;
}

void ServerOperations::reboots_applied(const std::string& host,
                                       const std::vector<std::pair<std::string, int64_t>>& counts) {
  if (counts.empty()) {
    return;
  }
  db_.write([&](store::SqlSession& s) {
    for (const auto& [id, count] : counts) {
      s.execute(
          "UPDATE instances SET task_state = NULL WHERE id = ? AND host = ? AND task_state IN "
          "('rebooting', 'rebooting_hard') AND reboot_count <= ?",
          {id, host, count});
    }
  });
}

void ServerOperations::reap() {
  bool changed = false;
  db_.write([&](store::SqlSession& s) {
    for (const auto& r : s.query(
             "SELECT id FROM instances WHERE task_state = 'deleting' AND vm_state IS NOT NULL")) {
      const auto server = ServerStore::find(s, r.text(0));
      if (server && !host_alive(s, server->host)) {
        finalize_delete(s, *server);
        changed = true;
      }
    }
  });
  if (changed) {
    changed_();
  }
}

}  // namespace neutrino::compute
