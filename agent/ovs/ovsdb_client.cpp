#include "agent/ovs/ovsdb_client.hpp"

#include <atomic>
#include <future>
#include <stdexcept>

#include "agent/ovs/ovsdb_connection.hpp"
#include "agent/ovs/ovsdb_error.hpp"
#include "agent/ovs/row_update.hpp"

namespace neutrino::agent::ovs {
namespace {

std::string next_monitor_id() {
  static std::atomic<uint64_t> counter{0};
  return "neutrino-monitor-" + std::to_string(++counter);
}

}  // namespace

OvsdbClient::OvsdbClient(OvsdbConnection& connection, std::string database)
    : connection_(connection),
      database_(std::move(database)),
      registry_(std::make_shared<MonitorRegistry>()) {
  connection_.set_notification_handler([registry = registry_](const std::string& method,
                                                              const Json& params) {
    // We only ever ask for "monitor", so "update" is the only notification we expect.
    if (method != "update" || !params.is_array() || params.size() != 2 || !params[0].is_string()) {
      return;
    }
    registry->deliver(params[0].get<std::string>(), parse_table_updates(params[1]), false);
  });
}

OvsdbClient::~OvsdbClient() {
  connection_.set_notification_handler(nullptr);
}

Json OvsdbClient::transact_params(const Json& ops) const {
  if (!ops.is_array()) {
    throw std::invalid_argument("OVSDB transact: operations must be a JSON array");
  }
  Json params = Json::array({database_});
  params.insert(params.end(), ops.begin(), ops.end());
  return params;
}

void OvsdbClient::check_transact_result(const Json& ops, const Json& results) {
  if (!results.is_array()) {
    throw OvsdbError("OVSDB transact: the result is not an array: " + results.dump());
  }
  // RFC 7047 5.2: after a failed operation the remaining results are null, and a failed
  // commit adds one error object after the last operation's result.
  for (size_t i = 0; i < results.size(); ++i) {
    const Json& result = results[i];
    if (result.is_object() && result.contains("error") && !result["error"].is_null()) {
      const Json& error = result["error"];
      throw OvsdbTransactionError(i, error.is_string() ? error.get<std::string>() : error.dump(),
                                  result.value("details", std::string()),
                                  i < ops.size() ? ops[i] : Json());
    }
  }
  if (results.size() < ops.size()) {
    throw OvsdbError("OVSDB transact: " + std::to_string(results.size()) + " results for " +
                     std::to_string(ops.size()) + " operations");
  }
}

Json OvsdbClient::transact(const Json& ops, std::chrono::milliseconds timeout) {
  Json results = connection_.call("transact", transact_params(ops), timeout);
  check_transact_result(ops, results);
  return results;
}

void OvsdbClient::async_transact(const Json& ops, TransactHandler done) {
  connection_.async_call("transact", transact_params(ops),
                         [ops, done = std::move(done)](std::exception_ptr error, Json results) {
                           if (!error) {
                             try {
                               check_transact_result(ops, results);
                             } catch (...) {
                               error = std::current_exception();
                             }
                           }
                           done(error, error ? Json() : std::move(results));
                         });
}

std::unique_ptr<OvsdbMonitor> OvsdbClient::start_monitor(const std::vector<MonitorTable>& tables,
                                                         OvsdbMonitor::UpdateHandler handler,
                                                         StartedHandler started) {
  Json requests = Json::object();
  for (const auto& table : tables) {
    Json request = {
        {"select", {{"initial", true}, {"insert", true}, {"delete", true}, {"modify", true}}}};
    if (!table.columns.empty()) {
      request["columns"] = table.columns;
    }
    requests[table.table] = std::move(request);
  }
  const std::string id = next_monitor_id();
  // Registered before asking: updates may follow the reply immediately.
  registry_->add(id, std::move(handler));
  auto monitor = std::make_unique<OvsdbMonitor>(connection_, registry_, id);
  connection_.async_call("monitor", Json::array({database_, id, std::move(requests)}),
                         [registry = registry_, id, started = std::move(started)](
                             std::exception_ptr error, Json initial) {
                           if (!error) {
                             try {
                               registry->deliver(id, parse_table_updates(initial), true);
                             } catch (...) {
                               error = std::current_exception();
                             }
                           }
                           if (error) {
                             registry->remove(id);
                           }
                           if (started) {
                             started(error);
                           }
                         });
  return monitor;
}

std::unique_ptr<OvsdbMonitor> OvsdbClient::monitor(const std::vector<MonitorTable>& tables,
                                                   OvsdbMonitor::UpdateHandler handler,
                                                   std::chrono::milliseconds timeout) {
  if (connection_.in_io_thread()) {
    throw std::logic_error("OvsdbClient::monitor blocks and must not run on the io thread");
  }
  auto promise = std::make_shared<std::promise<void>>();
  auto future = promise->get_future();
  auto monitor = start_monitor(tables, std::move(handler), [promise](std::exception_ptr error) {
    if (error) {
      promise->set_exception(error);
    } else {
      promise->set_value();
    }
  });
  if (future.wait_for(timeout) != std::future_status::ready) {
    throw OvsdbTimeoutError("OVSDB monitor: no reply from " + connection_.target() + " within " +
                            std::to_string(timeout.count()) + " ms");
  }
  future.get();
  return monitor;
}

}  // namespace neutrino::agent::ovs
