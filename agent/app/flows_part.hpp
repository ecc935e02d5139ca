#pragma once
// Flows: compiles the whole pipeline from the desired state and what this host knows (plugged
// ports, local VLAN ids, the ofports the bridges and tunnels part found), diffs it against the
// flows installed under our cookie and applies the difference in one atomic bundle per
// bridge. Also flushes conntrack where a zone or an address changed hands, and reports which
// of the host's ports are wired.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/app/agent_config.hpp"
#include "agent/app/announcement_schedule.hpp"
#include "agent/app/local_vlan_map.hpp"
#include "agent/app/ovs_backend.hpp"
#include "agent/app/reconciler_part.hpp"
#include "agent/app/zone_addresses.hpp"

namespace neutrino::agent {

class FlowsPart : public ReconcilerPart {
 public:
  static constexpr std::uint64_t kCookie = 0x6e65757472696e6fULL;  // "neutrino"

  // Local VLAN ids persist in <config.state_dir>/local-vlans.json across restarts.
  FlowsPart(const AgentConfig& config, OvsBackend& ovs,
            const MonotonicClock& clock = MonotonicClock::system());

  std::string_view name() const override { return "flows"; }
  void reconcile(const DesiredState& desired, const StateChanges& changes,
                 PassResults& results) override;

  // Repeats the announcements of external addresses (AnnouncementSchedule).
  std::optional<std::chrono::steady_clock::time_point> wake_at() const override {
    return announcements_.next_due();
  }
  void wake() override;

  // Flow adds and deletes sent by the last pass, over all bridges (0: nothing to change).
  std::size_t last_flow_changes() const { return last_flow_changes_; }

  // The most flow changes one bundle carries: ovs-vswitchd of a host with thousands of
  // userspace-datapath ports took over 10 s (the switch deadline) for a first sync of 20,000.
  static constexpr std::size_t kMaxBundle = 2000;

 private:
  void flush_zones();
  // Flushes the connections from and to each (zone, address) in the integration bridge.
  void flush_connections(const std::vector<ZoneAddresses::Entry>& departed);
  std::size_t sync_flows(const std::string& bridge, const std::vector<std::string>& desired,
                         std::chrono::steady_clock::duration compile_time);
  // Sends packet-outs on the integration bridge.
  void send(const std::vector<std::string>& packets);

  const AgentConfig& config_;
  OvsBackend& ovs_;
  LocalVlanMap lvids_;
  ZoneAddresses zone_addresses_;            // whose connections to flush when they leave
  std::set<std::uint16_t> zones_to_flush_;  // lvids newly given out, until flushed
  std::size_t last_flow_changes_ = 0;
  AnnouncementSchedule announcements_;  // for the external addresses served now
};

}  // namespace neutrino::agent
