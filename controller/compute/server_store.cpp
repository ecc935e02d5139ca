#include "controller/compute/server_store.hpp"

#include <map>

#include "common/clock.hpp"
#include "controller/api/api_error.hpp"
#include "controller/metadata/instance_store.hpp"
#include "controller/store/change_journal.hpp"

namespace neutrino::compute {
namespace {

constexpr const char* kComputeColumns =
    "SELECT id, user_id, image_ref, kernel_id, ramdisk_id, vcpus, memory_mb, root_gb, "
    "ephemeral_gb, flavor, image_meta, host, node, vm_state, task_state, power_state, "
    "desired_power, reboot_count, launched_at, display_description, config_drive "
    "FROM instances WHERE vm_state IS NOT NULL";

void fill_compute(ServerRecord& server, const store::SqlRow& r) {
  server.user_id = r.text(1);
  server.image_ref = r.text(2);
  server.kernel_id = r.text(3);
  server.ramdisk_id = r.text(4);
  server.vcpus = r.integer(5);
  server.memory_mb = r.integer(6);
  server.root_gb = r.integer(7);
  server.ephemeral_gb = r.integer(8);
  server.flavor = Json::parse(r.text(9), nullptr, false);
  server.image_meta = Json::parse(r.text(10), nullptr, false);
  server.host = r.optional_text(11);
  server.node = r.optional_text(12);
  server.vm_state = r.text(13);
  server.task_state = r.optional_text(14);
  server.power_state = static_cast<int>(r.integer(15));
  server.desired_power = r.text(16);
  server.reboot_count = r.integer(17);
  server.launched_at = r.is_null(18) ? std::nullopt : std::optional(r.integer(18));
  server.description = r.optional_text(19);
  server.config_drive = r.text(20);
}

// The latest fault of each instance, for one instance or all.
std::map<std::string, InstanceFault> latest_faults(store::SqlSession& s,
                                                   const std::optional<std::string>& id) {
  std::map<std::string, InstanceFault> out;
  const std::string sql =
      "SELECT instance_uuid, code, message, details, created_at FROM instance_faults" +
      std::string(id ? " WHERE instance_uuid = ?" : "") + " ORDER BY id";
  for (const auto& r : s.query(sql, id ? store::SqlParams{*id} : store::SqlParams{})) {
    out[r.text(0)] = {r.integer(1), r.text(2), r.text(3), r.integer(4)};
  }
  return out;
}

std::vector<ServerRecord> assemble(store::SqlSession& s,
                                   std::vector<metadata::InstanceRecord> instances,
                                   const std::vector<store::SqlRow>& compute_rows,
                                   const std::optional<std::string>& id) {
  std::map<std::string, const store::SqlRow*> by_id;
  for (const auto& r : compute_rows) {
    by_id[r.text(0)] = &r;
  }
  auto faults = latest_faults(s, id);
  std::vector<ServerRecord> out;
  for (auto& instance : instances) {
    const auto it = by_id.find(instance.id);
    if (it == by_id.end()) {
      continue;  // registered through the metadata admin API: not a server
    }
    ServerRecord server;
    server.instance = std::move(instance);
    fill_compute(server, *it->second);
    if (const auto fault = faults.find(server.id()); fault != faults.end()) {
      server.fault = fault->second;
    }
    out.push_back(std::move(server));
  }
  return out;
}

}  // namespace

std::optional<ServerRecord> ServerStore::find(store::SqlSession& s, const std::string& id) {
  auto instance = metadata::InstanceStore::find(s, id);
  if (!instance) {
    return std::nullopt;
  }
  const auto rows = s.query(std::string(kComputeColumns) + " AND id = ?", {id});
  auto found = assemble(s, {std::move(*instance)}, rows, id);
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found.front());
}

ServerRecord ServerStore::visible(store::SqlSession& s, const identity::AuthContext& ctx,
                                  const std::string& id) {
  auto server = find(s, id);
  if (!server || !(ctx.is_admin() || server->project_id() == ctx.project_id)) {
    throw api::not_found("Instance " + id + " could not be found.", "InstanceNotFound");
  }
  return std::move(*server);
}

std::vector<ServerRecord> ServerStore::list(store::SqlSession& s,
                                            const std::optional<std::string>& project_id) {
  const auto rows =
      project_id ? s.query(std::string(kComputeColumns) + " AND project_id = ?", {*project_id})
                 : s.query(kComputeColumns);
  return assemble(s, metadata::InstanceStore::list(s, project_id), rows, std::nullopt);
}

std::vector<ServerRecord> ServerStore::on_host(store::SqlSession& s, const std::string& host) {
  std::vector<ServerRecord> out;
  for (auto& server : list(s, std::nullopt)) {
    if (server.host == host) {
      out.push_back(std::move(server));
    }
  }
  return out;
}

void ServerStore::insert_compute(store::SqlSession& s, const ServerRecord& v) {
  s.execute(
      "UPDATE instances SET user_id = ?, image_ref = ?, kernel_id = ?, ramdisk_id = ?, vcpus = ?, "
      "memory_mb = ?, root_gb = ?, ephemeral_gb = ?, flavor = ?, image_meta = ?, host = ?, "
      "node = ?, vm_state = ?, task_state = ?, power_state = ?, desired_power = ?, "
      "reboot_count = 0, reboot_type = 'SOFT', start_count = 0, "
      "display_description = ?, config_drive = ? WHERE id "
      "= ?",
      {v.user_id, v.image_ref, v.kernel_id, v.ramdisk_id, v.vcpus, v.memory_mb, v.root_gb,
       v.ephemeral_gb, v.flavor.dump(), v.image_meta.dump(), store::null_if_empty(v.host),
       store::null_if_empty(v.node), v.vm_state, store::null_if_empty(v.task_state),
       int64_t{v.power_state}, v.desired_power, store::null_if_empty(v.description), v.config_drive,
       v.id()});
  store::ChangeJournal::append(s, store::JournalKind::kInstance, v.id());
}

void ServerStore::save_state(store::SqlSession& s, const std::string& id,
                             const std::string& vm_state,
                             const std::optional<std::string>& task_state, int power_state,
                             const std::string& desired_power) {
  s.execute(
      "UPDATE instances SET vm_state = ?, task_state = ?, power_state = ?, desired_power = ?, "
      "updated_at = ? WHERE id = ?",
      {vm_state, store::null_if_empty(task_state), int64_t{power_state}, desired_power,
       clock::now_unix_seconds(), id});
  store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
}

void ServerStore::set_launched(store::SqlSession& s, const std::string& id) {
  s.execute("UPDATE instances SET launched_at = ? WHERE id = ? AND launched_at IS NULL",
            {clock::now_unix_seconds(), id});
}

void ServerStore::bump_reboot(store::SqlSession& s, const std::string& id, bool hard) {
  s.execute("UPDATE instances SET reboot_count = reboot_count + 1, reboot_type = ? WHERE id = ?",
            {std::string(hard ? "HARD" : "SOFT"), id});
  store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
}

void ServerStore::bump_start(store::SqlSession& s, const std::string& id) {
  s.execute("UPDATE instances SET start_count = start_count + 1 WHERE id = ?", {id});
  store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
}

void ServerStore::set_description(store::SqlSession& s, const std::string& id,
                                  const std::optional<std::string>& description) {
  s.execute("UPDATE instances SET display_description = ?, updated_at = ? WHERE id = ?",
            {store::null_if_empty(description), clock::now_unix_seconds(), id});
}

void ServerStore::set_name(store::SqlSession& s, const std::string& id, const std::string& name) {
  s.execute("UPDATE instances SET name = ?, updated_at = ? WHERE id = ?",
            {name, clock::now_unix_seconds(), id});
}

void ServerStore::add_fault(store::SqlSession& s, const std::string& id,
                            const InstanceFault& fault) {
  s.execute(
      "INSERT INTO instance_faults (instance_uuid, code, message, details, created_at) "
      "VALUES (?, ?, ?, ?, ?)",
      {id, fault.code, fault.message, fault.details,
       fault.created_at != 0 ? fault.created_at : clock::now_unix_seconds()});
}

void ServerStore::add_port(store::SqlSession& s, const std::string& id, const ServerPort& port,
                           int position) {
  s.execute(
      "INSERT INTO instance_ports (instance_uuid, port_id, preserve_on_delete, position) "
      "VALUES (?, ?, ?, ?)",
      {id, port.port_id, int64_t{port.preserve_on_delete}, int64_t{position}});
  store::ChangeJournal::append(s, store::JournalKind::kInstance, id);
}

std::vector<ServerPort> ServerStore::ports(store::SqlSession& s, const std::string& id) {
  std::vector<ServerPort> out;
  for (const auto& r :
       s.query("SELECT port_id, preserve_on_delete FROM instance_ports WHERE instance_uuid = ? "
               "ORDER BY position",
               {id})) {
    out.push_back({r.text(0), r.boolean(1)});
  }
  return out;
}

void ServerStore::remove(store::SqlSession& s, const std::string& id) {
  metadata::InstanceStore::remove(s, id);
}

}  // namespace neutrino::compute
