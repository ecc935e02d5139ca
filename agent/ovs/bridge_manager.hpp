#pragma once
// The agent's intent API for bridges and ports: each call states what should exist and
// changes only the difference, in one atomic transaction. Transactions name the rows they
// change by UUID and edit shared columns (Open_vSwitch.bridges, Bridge.ports) with "mutate",
// never by rewriting them, so rows and keys owned by others (Nova/libvirt ports, admin
// settings) are left alone. What a transaction relied on from its read is asserted with
// "wait"; when someone else changed it meanwhile, the call reads again and retries.
//
// Calls block; make them from a thread that does not run the connection's io_context.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "agent/ovs/bridge_types.hpp"
#include "common/json.hpp"

namespace neutrino::agent::ovs {

class OvsdbClient;

class BridgeManager {
 public:
  explicit BridgeManager(OvsdbClient& client,
                         std::chrono::milliseconds timeout = std::chrono::seconds(10));

  // Creates the bridge with its internal port, linked into Open_vSwitch.bridges, or brings
  // an existing one's settings in line. Returns true when it changed something.
  bool ensure_bridge(const std::string& name, const BridgeSpec& spec);
  // Removes the bridge with its ports. Returns false when there was none.
  bool delete_bridge(const std::string& name);
  // Creates the port (one interface of the same name) on `bridge` or brings it in line.
  // Throws OvsdbError when the bridge does not exist or the port belongs to another bridge.
  bool ensure_port(const std::string& bridge, const PortSpec& spec);
  // Returns false when `bridge` has no such port.
  bool delete_port(const std::string& bridge, const std::string& port);

  // Ports by name, with their interfaces; empty when the bridge does not exist (a bridge
  // always has its own internal port).
  std::vector<PortInfo> list_ports(const std::string& bridge);
  std::optional<BridgeInfo> get_bridge(const std::string& name);
  std::vector<std::string> list_bridges();

  // Waits until ovs-vswitchd has applied everything committed so far (Open_vSwitch.cur_cfg
  // reaches the next_cfg this bumps), e.g. before reading ofports or using the bridge's
  // OpenFlow socket. Throws OvsdbTimeoutError when it does not within the timeout.
  void wait_applied(std::chrono::milliseconds timeout = std::chrono::seconds(10));

 private:
  Json transact(const Json& ops);
  // Runs attempt() until it returns without a failed "wait" (a concurrent change).
  template <typename Attempt>
  bool with_retries(const char* what, const std::string& name, Attempt attempt);

  OvsdbClient& client_;
  std::chrono::milliseconds timeout_;
};

}  // namespace neutrino::agent::ovs
