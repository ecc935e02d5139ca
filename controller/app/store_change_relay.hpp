#pragma once
// Wakes the push channel of every controller sharing a PostgreSQL database when any of them
// commits a change, through LISTEN/NOTIFY: an agent connected to one controller then hears of
// a port created through another. On SQLite (one controller) it only wakes the local channel.
// A lost listening connection counts as a change, as a notification may have been missed.
// The change journal's wakeup can take this relay's place.
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "controller/store/database.hpp"

namespace neutrino::store {
class PostgresDatabase;
}

namespace neutrino::controller {

class StoreChangeRelay {
 public:
  static constexpr const char* kChannel = "neutrino_change";

  StoreChangeRelay(store::Database& db, std::function<void()> on_change);
  ~StoreChangeRelay();
  StoreChangeRelay(const StoreChangeRelay&) = delete;
  StoreChangeRelay& operator=(const StoreChangeRelay&) = delete;

  // After a change committed here: wakes the local channel, then the other controllers.
  void changed();

 private:
  // Shared with the listener's callback, which may outlive the relay.
  struct Target {
    std::mutex mutex;
    std::function<void()> on_change;
  };

  store::PostgresDatabase* postgres_ = nullptr;
  std::shared_ptr<Target> target_;
  std::string id_;  // this controller's notifications carry it, so it skips its own
};

}  // namespace neutrino::controller
