#include "agent/ovs/ovsdb_monitor.hpp"

#include "agent/ovs/ovsdb_connection.hpp"

namespace neutrino::agent::ovs {

OvsdbMonitor::OvsdbMonitor(OvsdbConnection& connection, std::shared_ptr<MonitorRegistry> registry,
                           std::string id)
    : connection_(connection), registry_(std::move(registry)), id_(std::move(id)) {}

OvsdbMonitor::~OvsdbMonitor() {
  registry_->remove(id_);
  if (connection_.is_connected()) {
    // Fire and forget: the server stops sending updates for it; nothing waits for the reply.
    connection_.async_call("monitor_cancel", Json::array({id_}), [](std::exception_ptr, Json) {});
  }
}

}  // namespace neutrino::agent::ovs
