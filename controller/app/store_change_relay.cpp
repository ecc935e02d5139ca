#include "controller/app/store_change_relay.hpp"

#include "controller/store/change_journal.hpp"
#include "controller/store/postgres_database.hpp"

namespace neutrino::controller {

StoreChangeRelay::StoreChangeRelay(store::Database& db, std::function<void()> on_change)
    : target_(std::make_shared<Target>()) {
  target_->on_change = std::move(on_change);
  auto* postgres = dynamic_cast<store::PostgresDatabase*>(&db);
  if (postgres == nullptr) {
    return;
  }
  // Our own commits notify too: a wakeup more, which costs the follower one empty read.
  postgres->listen(store::ChangeJournal::kNotifyChannel,
                   [target = target_](const store::Notification&) {
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
  std::lock_guard lock(target_->mutex);
  if (target_->on_change) {
    target_->on_change();
  }
}

}  // namespace neutrino::controller
