#pragma once
// The agent daemon wired together: the push channel to the controller, the reconciler (and its
// parts) that programs Open vSwitch, DHCP, metadata and guests, and the I/O thread both use.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <memory>
#include <thread>

#include "agent/app/agent_config.hpp"
#include "agent/app/dhcp_part.hpp"
#include "agent/app/reconciler.hpp"
#include "agent/channel/channel_client.hpp"
#include "agent/compute/compute_agent.hpp"

namespace neutrino::agent {

class Agent {
 public:
  explicit Agent(AgentConfig config);
  ~Agent();

  void start();
  // Stops talking to the controller and OVS. Installed flows and ports stay, so guests keep
  // forwarding while the agent is down or being upgraded.
  void stop();
  // start(), wait for SIGTERM or SIGINT, stop(). Returns the exit code.
  int run();

 private:
  void log_first_ack(std::int64_t revision, std::size_t up, std::size_t down);
  // The reconciler's parts, in the order a pass runs them.
  std::vector<std::unique_ptr<ReconcilerPart>> make_parts(OvsBackend& ovs);

  AgentConfig config_;
  boost::asio::io_context io_;
  std::unique_ptr<ComputeAgent> compute_;  // null unless --compute; before the reconciler's part
  std::unique_ptr<Reconciler> reconciler_;
  DhcpPart* dhcp_ = nullptr;  // one of reconciler_'s parts
  std::unique_ptr<ChannelClient> channel_;
  // Since when (steady clock, ns) the agent is connected and has not acknowledged yet; 0 when
  // it has. Set on the channel's thread, taken on the reconciler's.
  std::atomic<std::int64_t> connected_at_ns_{0};
  std::thread io_thread_;
  std::unique_ptr<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work_;
};

}  // namespace neutrino::agent
