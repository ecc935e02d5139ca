#pragma once
// Turns the desired state into Open vSwitch configuration, by reconciliation rather than
// replay: each pass computes the bridges, ports and flows that should exist, reads what does
// exist, and changes only the difference (flows in one atomic bundle per bridge). A pass runs
// after every state push, plugged or unplugged interface, lost connection, and every few
// seconds as a safety net. Nothing is removed before the first snapshot arrives, so a
// restarted agent leaves established traffic alone.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>

#include "agent/app/agent_config.hpp"
#include "agent/app/dhcp_namespaces.hpp"
#include "agent/app/dhcp_service.hpp"
#include "agent/app/local_vlan_map.hpp"
#include "agent/app/metadata_proxy.hpp"
#include "agent/app/ovs_session.hpp"
#include "agent/app/zone_addresses.hpp"
#include "common/channel/host_state.hpp"
#include "common/cond_var.hpp"
#include "common/mutex.hpp"
#include "dataplane/openflow/openflow_connection.hpp"

namespace neutrino::agent {

// What the agent reports after a pass: the revision applied, and which of the host's ports
// are wired (plugged and their flows installed) and which are not.
using AckFn = std::function<void(int64_t revision, std::vector<std::string> up,
                                 std::vector<std::string> down)>;

class Reconciler {
 public:
  // `request_dhcp_ports` asks the controller for one DHCP port per listed network on this
  // host (and none elsewhere); called when that set changes.
  Reconciler(const AgentConfig& config, boost::asio::io_context& io, AckFn ack,
             std::function<void(std::vector<std::string>)> request_dhcp_ports);
  ~Reconciler();

  void start();
  void stop() EXCLUDES(mutex_);
  // New desired state from the controller (any thread).
  void set_state(const channel::HostState& state, int64_t revision) EXCLUDES(mutex_);
  // Something changed on the switch side (any thread).
  void poke() EXCLUDES(mutex_);
  // The controller connection was re-established: repeat requests it may not have seen.
  void controller_reconnected() EXCLUDES(mutex_);

  static constexpr uint64_t kCookie = 0x6e65757472696e6fULL;  // "neutrino"

 private:
  void run() EXCLUDES(mutex_);
  // Waits until there is work (true), stop() was called (false), or the liveness check is due.
  bool wait_for_work() EXCLUDES(mutex_);
  void reconcile() EXCLUDES(mutex_);
  void ensure_bridges();
  void sync_dhcp(const channel::HostState& state) EXCLUDES(mutex_);
  std::map<std::string, int64_t> ensure_tunnels(const channel::HostState& state);
  // `compile_time` is only reported in the log line of an applied change.
  void sync_flows(const std::string& bridge, const std::vector<std::string>& desired,
                  std::chrono::steady_clock::duration compile_time);
  // Flushes the connections from and to each (zone, address) in the integration bridge.
  void flush_connections(const std::vector<ZoneAddresses::Entry>& departed);
  dataplane::openflow::OpenFlowConnection& openflow(const std::string& bridge);
  static int64_t ofport_of(const std::vector<ovs::PortInfo>& ports, const std::string& name);

  const AgentConfig& config_;
  boost::asio::io_context& io_;
  AckFn ack_;
  std::function<void(std::vector<std::string>)> request_dhcp_ports_;

  // What other threads hand over: the channel's state pushes, the switch's pokes, stop().
  Mutex mutex_;
  CondVar wake_;  // signalled when dirty_ or stopping_ is set
  bool dirty_ GUARDED_BY(mutex_) = true;
  bool stopping_ GUARDED_BY(mutex_) = false;
  channel::HostState state_ GUARDED_BY(mutex_);
  int64_t revision_ GUARDED_BY(mutex_) = 0;  // 0 until the first snapshot
  // The last DHCP port request sent; forgotten when the controller reconnects.
  std::optional<std::vector<std::string>> requested_dhcp_ GUARDED_BY(mutex_);

  // Below: the reconciler's own thread only (and stop(), once that thread has ended).
  DhcpNamespaces dhcp_namespaces_;
  DhcpService dhcp_service_;
  std::unique_ptr<MetadataProxy> metadata_proxy_;  // null without a metadata service
  LocalVlanMap lvids_;
  ZoneAddresses zone_addresses_;            // whose connections to flush when they leave
  std::set<std::uint16_t> zones_to_flush_;  // lvids newly given out, until flushed
  std::unique_ptr<OvsSession> session_;
  std::map<std::string, std::unique_ptr<dataplane::openflow::OpenFlowConnection>> openflow_;
  int64_t acked_revision_ = -1;
  std::set<std::string> acked_up_;
  std::thread thread_;
};

}  // namespace neutrino::agent
