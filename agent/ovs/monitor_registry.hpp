#pragma once
// Routes "update" notifications to the monitor they belong to, by monitor id. Removing a
// monitor waits for a delivery in progress on another thread, so the owner of a handler may
// be destroyed right after.
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/ovs/guarded_callback.hpp"
#include "agent/ovs/row_update.hpp"

namespace neutrino::agent::ovs {

class MonitorRegistry {
 public:
  // `initial` is true for the rows that existed when the monitor started.
  using UpdateHandler = std::function<void(const std::vector<RowUpdate>& updates, bool initial)>;

  void add(const std::string& id, UpdateHandler handler);
  void remove(const std::string& id);
  // False when no monitor has this id (e.g. an update racing its cancellation).
  bool deliver(const std::string& id, const std::vector<RowUpdate>& updates, bool initial);

 private:
  using Slot = GuardedCallback<const std::vector<RowUpdate>&, bool>;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Slot>> slots_;
};

}  // namespace neutrino::agent::ovs
