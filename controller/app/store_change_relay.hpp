#pragma once
// Wakes the push channel when the change journal may have grown. Locally that is after every
// API write; across controllers sharing a PostgreSQL database it is the NOTIFY every journal
// append sends when its transaction commits (change_journal.hpp), which this relay LISTENs
// for: an agent connected to one controller then hears of a port created through another.
// A lost listening connection counts as a change, as a notification may have been missed. On
// SQLite (one controller) it only wakes the local channel.
#include <functional>
#include <memory>
#include <mutex>

#include "controller/store/database.hpp"

namespace neutrino::controller {

class StoreChangeRelay {
 public:
  StoreChangeRelay(store::Database& db, std::function<void()> on_change);
  ~StoreChangeRelay();
  StoreChangeRelay(const StoreChangeRelay&) = delete;
  StoreChangeRelay& operator=(const StoreChangeRelay&) = delete;

  // After a change committed here: wakes the local channel (the other controllers hear of it
  // from the journal's NOTIFY).
  void changed();

 private:
  // Shared with the listener's callback, which may outlive the relay.
  struct Target {
    std::mutex mutex;
    std::function<void()> on_change;
  };

  std::shared_ptr<Target> target_;
};

}  // namespace neutrino::controller
