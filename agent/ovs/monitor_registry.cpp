#include "agent/ovs/monitor_registry.hpp"

namespace neutrino::agent::ovs {

void MonitorRegistry::add(const std::string& id, UpdateHandler handler) {
  auto slot = std::make_shared<Slot>();
  slot->set(std::move(handler));
  std::lock_guard lock(mutex_);
  slots_[id] = std::move(slot);
}

void MonitorRegistry::remove(const std::string& id) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    const auto it = slots_.find(id);
    if (it == slots_.end()) {
      return;
    }
    slot = std::move(it->second);
    slots_.erase(it);
  }
  slot->reset();  // outside mutex_: waits for a delivery in progress
}

bool MonitorRegistry::deliver(const std::string& id, const std::vector<RowUpdate>& updates,
                              bool initial) {
  std::shared_ptr<Slot> slot;
  {
    std::lock_guard lock(mutex_);
    const auto it = slots_.find(id);
    if (it == slots_.end()) {
      return false;
    }
    slot = it->second;
  }
  return (*slot)(updates, initial);
}

}  // namespace neutrino::agent::ovs
