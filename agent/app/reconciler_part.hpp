#pragma once
// One concern of the agent's reconciliation (bridges and tunnels, flows, DHCP, metadata,
// compute), behind one interface so the Reconciler runs them in order and each is tested on
// its own. A part owns what it configures and changes only the difference between what is
// and what the desired state asks for.
#include <chrono>
#include <optional>
#include <string_view>

#include "agent/app/desired_state.hpp"
#include "agent/app/pass_results.hpp"
#include "agent/app/state_changes.hpp"

namespace neutrino::agent {

class ReconcilerPart {
 public:
  virtual ~ReconcilerPart() = default;

  virtual std::string_view name() const = 0;
  // Whether apply() talks to Open vSwitch (the reconciler connects first).
  virtual bool uses_ovs() const { return true; }
  // A new connection to OVS, before any desired state may be known: set up what needs no
  // desired state (bridges). Must remove nothing.
  virtual void prepare() {}
  // Brings what the part owns in line with `desired`. Throws on failure; the reconciler
  // then retries with a full resync.
  virtual void reconcile(const DesiredState& desired, const StateChanges& changes,
                         PassResults& results) = 0;
  // Checks everything against `desired`, whatever changed (a restarted agent or OVS).
  void resync(const DesiredState& desired, PassResults& results) {
    reconcile(desired, StateChanges::everything(), results);
  }
  // A part that must act again after a while whatever happens (the flows part repeats its ARP
  // announcements) says when; once that time has come the reconciler calls wake() on its
  // thread, after the pass if one is running. Not a periodic pass: nothing else runs.
  virtual std::optional<std::chrono::steady_clock::time_point> wake_at() const {
    return std::nullopt;
  }
  // Throws on failure, as reconcile() does.
  virtual void wake() {}
  // The agent stops: release what must not outlive it (sockets); leave OVS as it is.
  virtual void stop() {}
};

}  // namespace neutrino::agent
