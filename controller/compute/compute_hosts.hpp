#pragma once
// Compute hosts: one nova-compute service and one compute node per agent that reports
// compute capacity in its hello (compute contract section 1), kept in Nova's services and
// compute_nodes tables. A service is up while its host's agent heartbeats are recent (and it
// is not forced down), enabled unless an operator disabled it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/json.hpp"
#include "controller/store/sql_session.hpp"

namespace neutrino::compute {

struct ComputeHost {
  int64_t service_id = 0;
  std::string service_uuid;
  int64_t node_id = 0;
  std::string node_uuid;
  std::string host;
  std::string hypervisor_hostname;
  std::string hypervisor_type;
  int64_t hypervisor_version = 0;
  std::string virt_type;
  std::string host_ip;
  std::string availability_zone;
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t local_gb = 0;
  bool disabled = false;
  std::optional<std::string> disabled_reason;
  bool forced_down = false;
  bool up = false;
  int64_t updated_at = 0;  // the agent's last heartbeat
  // Summed from the flavors of the instances placed on the host.
  int64_t vcpus_used = 0;
  int64_t memory_mb_used = 0;
  int64_t local_gb_used = 0;
  int64_t running_vms = 0;
};

class ComputeHosts {
 public:
  // Records what an agent's hello said. `compute` is its "compute" member, or null when the
  // agent runs no guests (then an existing service is disabled, with a reason saying why).
  // `tunnel_ip` becomes the hypervisor's host_ip. Returns false for a malformed report.
  static bool register_host(store::SqlSession& s, const std::string& host, const Json& compute,
                            const std::string& tunnel_ip, const std::string& default_zone);
  static std::vector<ComputeHost> list(store::SqlSession& s, int64_t down_time_seconds);
  static void set_disabled(store::SqlSession& s, int64_t service_id, bool disabled,
                           const std::optional<std::string>& reason);
  static void set_forced_down(store::SqlSession& s, int64_t service_id, bool forced_down);
  // Refuses (409) while instances live on the host; the agent registers again at its next
  // hello, as a Nova compute service does.
  static void remove(store::SqlSession& s, const ComputeHost& host);
};

}  // namespace neutrino::compute
