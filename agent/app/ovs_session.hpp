#pragma once
// One connection to ovsdb-server and what hangs off it: the transaction client, the bridge
// manager and the interface monitor. When ovsdb-server goes away the session is dead and the
// reconciler builds a new one; nothing else has to know.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "agent/ovs/bridge_manager.hpp"
#include "agent/ovs/interface_monitor.hpp"
#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_connection.hpp"

namespace neutrino::agent {

class OvsSession {
 public:
  // Connects and starts monitoring; throws ovs::OvsdbError when ovsdb-server is unreachable.
  // `changed` runs on the io thread whenever a guest interface appears, changes or goes
  // (false), and once when the connection is lost (true).
  OvsSession(boost::asio::io_context& io, const std::string& target,
             std::function<void(bool lost)> changed);
  ~OvsSession();

  bool alive() const { return alive_; }
  ovs::BridgeManager& bridges() { return *bridges_; }

 private:
  std::atomic<bool> alive_{true};
  std::unique_ptr<ovs::OvsdbConnection> connection_;
  std::unique_ptr<ovs::OvsdbClient> client_;
  std::unique_ptr<ovs::BridgeManager> bridges_;
  std::unique_ptr<ovs::InterfaceMonitor> monitor_;
};

}  // namespace neutrino::agent
