#include "agent/ovs/interface_monitor.hpp"

#include <algorithm>

#include "agent/ovs/ovsdb_client.hpp"
#include "agent/ovs/ovsdb_datum.hpp"
#include "agent/ovs/ovsdb_monitor.hpp"

namespace neutrino::agent::ovs {
namespace {

InterfaceState to_state(const std::string& uuid, const Json& row) {
  InterfaceState state;
  state.uuid = uuid;
  state.name = row.at("name").get<std::string>();
  state.type = row.at("type").get<std::string>();
  state.external_ids = datum::as_string_map(row.at("external_ids"));
  if (const auto it = state.external_ids.find("iface-id"); it != state.external_ids.end()) {
    state.iface_id = it->second;
  }
  if (const auto it = state.external_ids.find("attached-mac"); it != state.external_ids.end()) {
    state.attached_mac = it->second;
  }
  state.ofport = datum::as_optional_integer(row.at("ofport"));
  state.mac_in_use = datum::as_optional_string(row.at("mac_in_use"));
  state.link_state = datum::as_optional_string(row.at("link_state"));
  return state;
}

}  // namespace

InterfaceMonitor::InterfaceMonitor(OvsdbClient& client, Handler handler,
                                   std::chrono::milliseconds timeout)
    : handler_(std::move(handler)) {
  monitor_ = client.monitor(
      {{"Interface", {"name", "type", "external_ids", "ofport", "mac_in_use", "link_state"}}},
      [this](const std::vector<RowUpdate>& updates, bool initial) { on_updates(updates, initial); },
      timeout);
}

InterfaceMonitor::~InterfaceMonitor() {
  monitor_.reset();
}

std::vector<InterfaceState> InterfaceMonitor::interfaces() const {
  std::vector<InterfaceState> out;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [uuid, state] : known_) {
      out.push_back(state);
    }
  }
  std::sort(out.begin(), out.end(),
            [](const InterfaceState& a, const InterfaceState& b) { return a.name < b.name; });
  return out;
}

void InterfaceMonitor::on_updates(const std::vector<RowUpdate>& updates, bool initial) {
  std::vector<InterfaceEvent> events;
  {
    std::lock_guard lock(mutex_);
    for (const auto& update : updates) {
      if (update.table != "Interface") {
        continue;
      }
      const auto known = known_.find(update.uuid);
      // A deleted row, or one whose iface-id was removed, is no longer a guest port.
      std::optional<InterfaceState> now;
      if (!update.deleted()) {
        now = to_state(update.uuid, update.new_row);
        if (now->iface_id.empty()) {
          now.reset();
        }
      }
      if (!now) {
        if (known != known_.end()) {
          events.push_back({InterfaceEvent::Kind::kDisappeared, known->second, initial});
          known_.erase(known);
        }
      } else if (known == known_.end()) {
        events.push_back({InterfaceEvent::Kind::kAppeared, *now, initial});
        known_.emplace(update.uuid, *now);
      } else if (known->second != *now) {
        events.push_back({InterfaceEvent::Kind::kChanged, *now, initial});
        known->second = *now;
      }
    }
  }
  for (const auto& event : events) {  // outside mutex_: the handler may call interfaces()
    handler_(event);
  }
}

}  // namespace neutrino::agent::ovs
