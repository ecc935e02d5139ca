#pragma once
// Tells the agent when a guest port is plugged into or unplugged from Open vSwitch. Nova,
// libvirt and OVN mark such an Interface with external_ids:iface-id=<Neutron port id> (and
// attached-mac); interfaces without iface-id are not reported. Events come from an OVSDB
// monitor on the Interface table, so there is no polling: a plug is seen as soon as its
// transaction commits, and the ofport ovs-vswitchd assigns a moment later as a change.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/ovs/row_update.hpp"

namespace neutrino::agent::ovs {

class OvsdbClient;
class OvsdbMonitor;

struct InterfaceState {
  std::string uuid;
  std::string name;
  std::string type;
  std::string iface_id;      // external_ids:iface-id
  std::string attached_mac;  // external_ids:attached-mac
  std::map<std::string, std::string> external_ids;
  std::optional<int64_t> ofport;  // unset until ovs-vswitchd added it; -1 if that failed
  std::string mac_in_use;
  std::string link_state;  // "up", "down" or "" (unknown)

  bool operator==(const InterfaceState&) const = default;
};

struct InterfaceEvent {
  enum class Kind { kAppeared, kChanged, kDisappeared };
  Kind kind;
  // The state after the event; for kDisappeared the last state known.
  InterfaceState interface;
  // True for interfaces that were already there when the monitor started.
  bool initial = false;
};

class InterfaceMonitor {
 public:
  using Handler = std::function<void(const InterfaceEvent& event)>;

  // Starts monitoring and reports the interfaces present now (initial = true) before
  // returning. `handler` runs on the io thread. Not from the io thread.
  InterfaceMonitor(OvsdbClient& client, Handler handler,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Stops; no handler call is running or will run once this returns.
  ~InterfaceMonitor();
  InterfaceMonitor(const InterfaceMonitor&) = delete;
  InterfaceMonitor& operator=(const InterfaceMonitor&) = delete;

  // The interfaces with an iface-id now, by name.
  std::vector<InterfaceState> interfaces() const;

 private:
  void on_updates(const std::vector<RowUpdate>& updates, bool initial);

  Handler handler_;
  mutable std::mutex mutex_;
  std::map<std::string, InterfaceState> known_;  // by row UUID
  std::unique_ptr<OvsdbMonitor> monitor_;        // last, so it stops first on destruction
};

}  // namespace neutrino::agent::ovs
