#include "controller/app/store_change_relay.hpp"

#include "common/log.hpp"
#include "common/random.hpp"
#include "controller/store/postgres_database.hpp"

namespace neutrino::controller {

StoreChangeRelay::StoreChangeRelay(store::Database& db, std::function<void()> on_change)
    : postgres_(dynamic_cast<store::PostgresDatabase*>(&db)),
      target_(std::make_shared<Target>()),
      id_(random::uuid4()) {
  target_->on_change = std::move(on_change);
  if (postgres_ == nullptr) {
    return;
  }
  postgres_->listen(kChannel, [target = target_, id = id_](const store::Notification& n) {
    if (!n.missed && n.payload == id) {
      return;  // our own change: the local channel was woken already
    }
    std::lock_guard lock(target->mutex);
    if (target->on_change) {
      target->on_change();
    }
  });
}

StoreChangeRelay::~StoreChangeRelay() {
  std::lock_guard lock(target_->mutex);
  target_->on_change = nullptr;
}

void StoreChangeRelay::changed() {
  {
    std::lock_guard lock(target_->mutex);
    if (target_->on_change) {
      target_->on_change();
    }
  }
  if (postgres_ == nullptr) {
    return;
  }
  try {
    postgres_->notify(kChannel, id_);
  } catch (const std::exception& e) {
    // The change is committed; other controllers' agents get it at their next wakeup.
    log::warning("store: cannot notify the other controllers: ", e.what());
  }
}

}  // namespace neutrino::controller
