#pragma once
// The OVSDB methods the agent uses, on top of an OvsdbConnection: "transact" with every
// operation's result checked, and "monitor" with its updates routed to per-monitor handlers.
// One client per connection (it owns the connection's notification handler); the connection
// must outlive the client and its monitors.
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "agent/ovs/monitor_registry.hpp"
#include "agent/ovs/ovsdb_monitor.hpp"
#include "common/json.hpp"

namespace neutrino::agent::ovs {

class OvsdbConnection;

class OvsdbClient {
 public:
  static constexpr std::chrono::milliseconds kDefaultTimeout{10000};
  using TransactHandler = std::function<void(std::exception_ptr error, Json results)>;
  using StartedHandler = std::function<void(std::exception_ptr error)>;

  explicit OvsdbClient(OvsdbConnection& connection, std::string database = "Open_vSwitch");
  ~OvsdbClient();
  OvsdbClient(const OvsdbClient&) = delete;
  OvsdbClient& operator=(const OvsdbClient&) = delete;

  OvsdbConnection& connection() { return connection_; }
  const std::string& database() const { return database_; }

  // Runs `ops` (a JSON array of operations) as one transaction and returns one result per
  // operation. Throws OvsdbTransactionError when the server rolled it back, and what
  // OvsdbConnection::call throws. Not from the io thread.
  Json transact(const Json& ops, std::chrono::milliseconds timeout = kDefaultTimeout);
  // Same on the io thread's terms: `done` runs there.
  void async_transact(const Json& ops, TransactHandler done);
  // Throws OvsdbTransactionError for the first failed operation (or the commit) in `results`.
  static void check_transact_result(const Json& ops, const Json& results);

  // Starts a monitor; `handler` first gets the existing rows (initial = true), then every
  // change, one call per committed transaction, on the io thread. Returns once the initial
  // rows have been handed over. Not from the io thread.
  std::unique_ptr<OvsdbMonitor> monitor(const std::vector<MonitorTable>& tables,
                                        OvsdbMonitor::UpdateHandler handler,
                                        std::chrono::milliseconds timeout = kDefaultTimeout);
  // Non-blocking form: `started` runs on the io thread after the initial rows were handed to
  // `handler`, or with the error that prevented the monitor.
  std::unique_ptr<OvsdbMonitor> start_monitor(const std::vector<MonitorTable>& tables,
                                              OvsdbMonitor::UpdateHandler handler,
                                              StartedHandler started);

 private:
  Json transact_params(const Json& ops) const;

  OvsdbConnection& connection_;
  std::string database_;
  std::shared_ptr<MonitorRegistry> registry_;
};

}  // namespace neutrino::agent::ovs
