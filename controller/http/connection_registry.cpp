#include "controller/http/connection_registry.hpp"

namespace neutrino::http::detail {

ConnectionRegistry::Admission ConnectionRegistry::admit(
    const std::shared_ptr<Connection>& connection, std::shared_ptr<Connection>& shed) {
  std::lock_guard lock(mutex_);
  while (counted_ >= limit_) {
    if (sheddable_.empty()) {
      return Admission::kRefused;
    }
    const auto victim = entries_.find(sheddable_.front());
    shed = victim->second.connection.lock();
    erase(victim);
    if (shed) {
      break;  // else it was ending anyway: its slot is free, look again
    }
  }
  Entry& entry = entries_[connection.get()];
  entry.connection = connection;
  entry.sheddable = true;
  entry.position = sheddable_.insert(sheddable_.end(), connection.get());
  ++counted_;
  return Admission::kAdmitted;
}

bool ConnectionRegistry::add_refused(const std::shared_ptr<Connection>& connection,
                                     size_t max_refusing) {
  std::lock_guard lock(mutex_);
  if (refusing_ >= max_refusing) {
    return false;
  }
  Entry& entry = entries_[connection.get()];
  entry.connection = connection;
  entry.counted = false;
  ++refusing_;
  return true;
}

void ConnectionRegistry::set_sheddable(const Connection* connection, bool sheddable) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(connection);
  if (it == entries_.end() || !it->second.counted || it->second.sheddable == sheddable) {
    return;
  }
  Entry& entry = it->second;
  entry.sheddable = sheddable;
  if (sheddable) {
    entry.position = sheddable_.insert(sheddable_.end(), connection);  // the youngest
  } else {
    sheddable_.erase(entry.position);
  }
}

void ConnectionRegistry::remove(const Connection* connection) {
  std::lock_guard lock(mutex_);
  const auto it = entries_.find(connection);
  if (it != entries_.end()) {
    erase(it);
  }
}

std::vector<std::shared_ptr<Connection>> ConnectionRegistry::clear() {
  std::lock_guard lock(mutex_);
  std::vector<std::shared_ptr<Connection>> live;
  for (auto& [key, entry] : entries_) {
    if (auto connection = entry.connection.lock()) {
      live.push_back(std::move(connection));
    }
  }
  entries_.clear();
  sheddable_.clear();
  counted_ = 0;
  refusing_ = 0;
  return live;
}

size_t ConnectionRegistry::open() const {
  std::lock_guard lock(mutex_);
  return counted_;
}

void ConnectionRegistry::erase(std::unordered_map<const Connection*, Entry>::iterator it) {
  if (it->second.counted) {
    --counted_;
    if (it->second.sheddable) {
      sheddable_.erase(it->second.position);
    }
  } else {
    --refusing_;
  }
  entries_.erase(it);
}

}  // namespace neutrino::http::detail
