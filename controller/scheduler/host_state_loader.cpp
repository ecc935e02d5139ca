#include "controller/scheduler/host_state_loader.hpp"

#include <map>

#include "common/clock.hpp"

namespace neutrino::scheduler {

std::vector<HostState> load_host_states(store::SqlSession& s, int64_t down_time_seconds) {
  std::map<std::string, HostState> usage;
  for (const auto& r :
       s.query("SELECT host, SUM(vcpus), SUM(memory_mb), SUM((root_gb + ephemeral_gb) * 1024), "
               "COUNT(*) FROM instances WHERE host IS NOT NULL AND vm_state IS NOT NULL "
               "GROUP BY host")) {
    HostState& used = usage[r.text(0)];
    used.vcpus_used = r.integer(1);
    used.memory_mb_used = r.integer(2);
    used.disk_mb_used = r.integer(3);
    used.running_vms = r.integer(4);
  }
  const int64_t now = clock::now_unix_seconds();
  std::vector<HostState> hosts;
  for (const auto& r :
       s.query("SELECT n.host, n.hypervisor_hostname, n.availability_zone, n.vcpus, n.memory_mb, "
               "n.local_gb, v.disabled, v.forced_down, "
               "(SELECT MAX(a.heartbeat_timestamp) FROM agents a WHERE a.host = n.host) "
               "FROM compute_nodes n JOIN services v ON v.id = n.service_id ORDER BY n.host")) {
    HostState host;
    host.host = r.text(0);
    host.node = r.text(1);
    host.availability_zone = r.text(2);
    host.vcpus = r.integer(3);
    host.memory_mb = r.integer(4);
    host.local_gb = r.integer(5);
    host.enabled = !r.boolean(6);
    host.up = !r.boolean(7) && !r.is_null(8) && now - r.integer(8) <= down_time_seconds;
    if (const auto it = usage.find(host.host); it != usage.end()) {
      host.vcpus_used = it->second.vcpus_used;
      host.memory_mb_used = it->second.memory_mb_used;
      host.disk_mb_used = it->second.disk_mb_used;
      host.running_vms = it->second.running_vms;
    }
    hosts.push_back(std::move(host));
  }
  return hosts;
}

}  // namespace neutrino::scheduler
