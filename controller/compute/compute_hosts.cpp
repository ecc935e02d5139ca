#include "controller/compute/compute_hosts.hpp"

#include "common/clock.hpp"
#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/api/api_error.hpp"

namespace neutrino::compute {
namespace {

constexpr int64_t kMaxCapacity = 1LL << 40;

std::optional<int64_t> bounded(const Json& object, const char* key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number_integer()) {
    return std::nullopt;
  }
  const auto n = it->get<int64_t>();
  return n >= 0 && n <= kMaxCapacity ? std::optional(n) : std::nullopt;
}

std::string short_text(const Json& object, const char* key, const std::string& fallback) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string() || it->get<std::string>().empty() ||
      it->get<std::string>().size() > 255) {
    return fallback;
  }
  return it->get<std::string>();
}

}  // namespace

bool ComputeHosts::register_host(store::SqlSession& s, const std::string& host, const Json& compute,
                                 const std::string& tunnel_ip, const std::string& default_zone) {
  const int64_t now = clock::now_unix_seconds();
  if (!compute.is_object()) {
    s.execute(
        "UPDATE services SET disabled = 1, disabled_reason = 'the agent runs without compute', "
        "updated_at = ? WHERE host = ? AND \"binary\" = 'nova-compute' AND disabled = 0",
        {now, host});
    return true;
  }
  const auto vcpus = bounded(compute, "vcpus");
  const auto memory = bounded(compute, "memory_mb");
  const auto disk = bounded(compute, "disk_gb");
  const auto version = bounded(compute, "hypervisor_version");
  if (!vcpus || !memory || !disk) {
    log::warning("compute: ignoring a malformed compute report from ", host, ": ",
                 compute.dump().substr(0, 512));
    return false;
  }
  const auto services = s.query(
      "SELECT id, disabled_reason FROM services WHERE host = ? AND \"binary\" = "
      "'nova-compute'",
      {host});
  int64_t service_id = 0;
  if (services.empty()) {
    s.execute(
        "INSERT INTO services (uuid, host, \"binary\", created_at, updated_at) "
        "VALUES (?, ?, 'nova-compute', ?, ?)",
        {random::uuid4(), host, now, now});
    service_id =
        s.query("SELECT id FROM services WHERE host = ? AND \"binary\" = 'nova-compute'", {host})[0]
            .integer(0);
  } else {
    service_id = services[0].integer(0);
    // Undo only our own "runs without compute" disabling, never an operator's.
    s.execute(
        "UPDATE services SET disabled = 0, disabled_reason = NULL, updated_at = ? WHERE id = ? "
        "AND disabled_reason = 'the agent runs without compute'",
        {now, service_id});
  }
  const store::SqlParams values = {host,
                                   short_text(compute, "hypervisor_type", "QEMU"),
                                   version.value_or(0),
                                   short_text(compute, "virt_type", "qemu"),
                                   tunnel_ip,
                                   short_text(compute, "availability_zone", default_zone),
                                   *vcpus,
                                   *memory,
                                   *disk,
                                   now,
                                   service_id};
  if (s.query("SELECT 1 FROM compute_nodes WHERE host = ?", {host}).empty()) {
    s.execute(
        "INSERT INTO compute_nodes (hypervisor_hostname, hypervisor_type, hypervisor_version, "
        "virt_type, host_ip, availability_zone, vcpus, memory_mb, local_gb, updated_at, "
        "service_id, uuid, created_at, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        {values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7],
         values[8], values[9], values[10], random::uuid4(), now, host});
  } else {
    s.execute(
        "UPDATE compute_nodes SET hypervisor_hostname = ?, hypervisor_type = ?, "
        "hypervisor_version = ?, virt_type = ?, host_ip = ?, availability_zone = ?, vcpus = ?, "
        "memory_mb = ?, local_gb = ?, updated_at = ?, service_id = ? WHERE host = ?",
        {values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7],
         values[8], values[9], values[10], host});
  }
  return true;
}

std::vector<ComputeHost> ComputeHosts::list(store::SqlSession& s, int64_t down_time_seconds) {
  const int64_t now = clock::now_unix_seconds();
  std::vector<ComputeHost> out;
  for (const auto& r : s.query(
           "SELECT v.id, v.uuid, n.id, n.uuid, v.host, n.hypervisor_hostname, n.hypervisor_type, "
           "n.hypervisor_version, n.virt_type, n.host_ip, n.availability_zone, n.vcpus, "
           "n.memory_mb, n.local_gb, v.disabled, v.disabled_reason, v.forced_down, "
           "(SELECT MAX(a.heartbeat_timestamp) FROM agents a WHERE a.host = v.host), "
           "(SELECT COALESCE(SUM(i.vcpus), 0) || ',' || COALESCE(SUM(i.memory_mb), 0) || ',' || "
           " COALESCE(SUM(i.root_gb + i.ephemeral_gb), 0) || ',' || COUNT(i.id) FROM instances i "
           " WHERE i.host = v.host AND i.vm_state IS NOT NULL) "
           "FROM services v JOIN compute_nodes n ON n.service_id = v.id ORDER BY n.id")) {
    ComputeHost h;
    h.service_id = r.integer(0);
    h.service_uuid = r.text(1);
    h.node_id = r.integer(2);
    h.node_uuid = r.text(3);
    h.host = r.text(4);
    h.hypervisor_hostname = r.text(5);
    h.hypervisor_type = r.text(6);
    h.hypervisor_version = r.integer(7);
    h.virt_type = r.text(8);
    h.host_ip = r.text(9);
    h.availability_zone = r.text(10);
    h.vcpus = r.integer(11);
    h.memory_mb = r.integer(12);
    h.local_gb = r.integer(13);
    h.disabled = r.boolean(14);
    h.disabled_reason = r.optional_text(15);
    h.forced_down = r.boolean(16);
    h.updated_at = r.is_null(17) ? 0 : r.integer(17);
    h.up = !h.forced_down && !r.is_null(17) && now - h.updated_at <= down_time_seconds;
    long long vcpus = 0, memory = 0, disk = 0, count = 0;
    std::sscanf(r.text(18).c_str(), "%lld,%lld,%lld,%lld", &vcpus, &memory, &disk, &count);
    h.vcpus_used = vcpus;
    h.memory_mb_used = memory;
    h.local_gb_used = disk;
    h.running_vms = count;
    out.push_back(std::move(h));
  }
  return out;
}

void ComputeHosts::set_disabled(store::SqlSession& s, int64_t service_id, bool disabled,
                                const std::optional<std::string>& reason) {
  s.execute("UPDATE services SET disabled = ?, disabled_reason = ?, updated_at = ? WHERE id = ?",
            {int64_t{disabled}, disabled ? store::null_if_empty(reason) : store::SqlValue{},
             clock::now_unix_seconds(), service_id});
}

void ComputeHosts::set_forced_down(store::SqlSession& s, int64_t service_id, bool forced_down) {
  s.execute("UPDATE services SET forced_down = ?, updated_at = ? WHERE id = ?",
            {int64_t{forced_down}, clock::now_unix_seconds(), service_id});
}

void ComputeHosts::remove(store::SqlSession& s, const ComputeHost& host) {
  if (!s.query("SELECT 1 FROM instances WHERE host = ? AND vm_state IS NOT NULL LIMIT 1",
               {host.host})
           .empty()) {
    throw api::conflict("ServiceIsHostingInstances",
                        "Unable to delete compute service that is hosting instances. Migrate or "
                        "delete the instances first.");
  }
  s.execute("DELETE FROM services WHERE id = ?", {host.service_id});
}

}  // namespace neutrino::compute
