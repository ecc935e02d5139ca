#pragma once
// Turns the desired state into Open vSwitch configuration, DHCP and metadata service and
// guests, by reconciliation rather than replay: each pass runs the parts in order (compute,
// bridges and tunnels, DHCP, metadata, flows), each changing only the difference between
// what is and what should be. A pass runs when something happened — a state push, a guest
// interface plugged or unplugged (OVSDB monitor), a lost ovsdb-server or OpenFlow session —
// and after a failure (with backoff, up to 1 s); there is no periodic pass (a part may ask to be
// woken at a time for its own repeats, ReconcilerPart::wake_at). Nothing is
// removed before the first snapshot arrives, so a restarted agent leaves established traffic
// alone.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/app/ovs_backend.hpp"
#include "agent/app/reconciler_part.hpp"
#include "common/cond_var.hpp"
#include "common/mutex.hpp"

namespace neutrino::agent {

// What the agent reports after a pass: the revision applied, and which of the host's ports
// are wired (plugged and their flows installed) and which are not.
using AckFn = std::function<void(int64_t revision, std::vector<std::string> up,
                                 std::vector<std::string> down)>;

class Reconciler {
 public:
  // Builds the backend, handing it the reconciler's event handler.
  using BackendFactory = std::function<std::unique_ptr<OvsBackend>(OvsEventHandler events)>;
  // Builds the parts, in the order a pass runs them, over the backend.
  using PartsFactory = std::function<std::vector<std::unique_ptr<ReconcilerPart>>(OvsBackend&)>;

  Reconciler(const BackendFactory& backend, const PartsFactory& parts, AckFn ack);
  ~Reconciler();

  void start();
  void stop() EXCLUDES(mutex_);
  // A delta of the desired state from the controller ({"set": {key: object}, "remove":
  // [key]}; a snapshot comes as one that sets everything and removes what it lacks), taking
  // the state to `revision` (any thread). Only its keys are copied; the reconciler's thread
  // decodes them.
  void apply_delta(const Json& delta, int64_t revision) EXCLUDES(mutex_);
  // Something happened on the switch side (any thread).
  void on_ovs_event(OvsEvent event) EXCLUDES(mutex_);

  // Runs a pass soon, e.g. for a part's request to the controller to be repeated (any thread).
  void poke() EXCLUDES(mutex_);

  // Passes that ran (succeeded or failed), for tests and the log.
  std::uint64_t passes() const EXCLUDES(mutex_);

 private:
  struct Pending {
    bool state = false;       // a new state arrived, or poke()
    bool interfaces = false;  // guest interfaces moved
    bool full = false;        // check everything
    bool wake = false;        // a part's wake_at() came, nothing else
    bool pass() const { return state || interfaces || full; }
    bool any() const { return pass() || wake; }
  };

  void run() EXCLUDES(mutex_);
  // Waits for work (true, with what is pending) or stop() (false).
  bool wait_for_work(Pending& pending) EXCLUDES(mutex_);
  void reconcile(const Pending& pending) EXCLUDES(mutex_);
  void run_pass(const Pending& pending) EXCLUDES(mutex_);
  // The earliest of the parts' wake_at(), and calling wake() on those whose time came.
  std::optional<std::chrono::steady_clock::time_point> next_wake() const;
  void wake_parts();
  // Connects to OVS unless connected; true when it connected now.
  bool connect();
  // Takes the objects arrived since the previous pass into model_, and what they
  // changed into unapplied_.
  void take_incoming(std::map<std::string, std::optional<Json>> incoming);
  void ack(const PassResults& results, int64_t revision);

  AckFn ack_;

  // What other threads hand over: the channel's state pushes, the switch's events, stop().
  mutable Mutex mutex_;
  CondVar wake_;  // signalled when pending_ or stopping_ is set
  Pending pending_ GUARDED_BY(mutex_){.state = false, .interfaces = true, .full = true};
  bool stopping_ GUARDED_BY(mutex_) = false;
  // Objects arrived since the last pass took them: the newest value of each key, or nullopt
  // for a key removed.
  std::map<std::string, std::optional<Json>> incoming_ GUARDED_BY(mutex_);
  int64_t revision_ GUARDED_BY(mutex_) = 0;  // 0 until the first snapshot
  std::uint64_t passes_ GUARDED_BY(mutex_) = 0;

  // Below: the reconciler's own thread only (and stop(), once that thread has ended).
  std::unique_ptr<OvsBackend> backend_;
  std::vector<std::unique_ptr<ReconcilerPart>> parts_;
  model::HostModel model_;  // the desired state, decoded as it arrives
  // What changed since the last successful pass (a failed one leaves it for the next).
  model::ChangedObjects unapplied_;
  bool resync_due_ = true;  // no pass has checked everything since (re)connecting
  int64_t acked_revision_ = -1;
  std::set<std::string> acked_up_;
  std::thread thread_;
};

}  // namespace neutrino::agent
