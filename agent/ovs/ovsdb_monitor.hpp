#pragma once
// A running OVSDB "monitor": while this object lives, its handler gets the changes of the
// monitored tables. Destroying it stops the handler (waiting for a call in progress on
// another thread) and sends "monitor_cancel". It must not outlive its connection; after a
// disconnect it simply receives nothing more.
#include <memory>
#include <string>
#include <vector>

#include "agent/ovs/monitor_registry.hpp"

namespace neutrino::agent::ovs {

class OvsdbConnection;

// A table to monitor and its columns (empty: all columns).
struct MonitorTable {
  std::string table;
  std::vector<std::string> columns;
};

class OvsdbMonitor {
 public:
  using UpdateHandler = MonitorRegistry::UpdateHandler;

  OvsdbMonitor(OvsdbConnection& connection, std::shared_ptr<MonitorRegistry> registry,
               std::string id);
  ~OvsdbMonitor();
  OvsdbMonitor(const OvsdbMonitor&) = delete;
  OvsdbMonitor& operator=(const OvsdbMonitor&) = delete;

  const std::string& id() const { return id_; }

 private:
  OvsdbConnection& connection_;
  std::shared_ptr<MonitorRegistry> registry_;
  std::string id_;
};

}  // namespace neutrino::agent::ovs
