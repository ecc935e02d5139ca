#pragma once
// Test helper: collects values pushed from the io thread and lets the test wait (on a
// condition variable, not by polling) until one matching a predicate has arrived.
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace neutrino::agent::ovs::testing {

template <typename T>
class EventLog {
 public:
  void push(T value) {
    std::lock_guard lock(mutex_);
    values_.push_back(std::move(value));
    changed_.notify_all();
  }

  // The first value matching `match`, waiting up to `timeout` for it.
  template <typename Match>
  std::optional<T> wait_for(Match match,
                            std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mutex_);
    std::optional<T> found;
    changed_.wait_for(lock, timeout, [&] {
      for (const auto& value : values_) {
        if (match(value)) {
          found = value;
          return true;
        }
      }
      return false;
    });
    return found;
  }

  std::vector<T> values() const {
    std::lock_guard lock(mutex_);
    return values_;
  }
  size_t size() const {
    std::lock_guard lock(mutex_);
    return values_.size();
  }
  void clear() {
    std::lock_guard lock(mutex_);
    values_.clear();
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<T> values_;
};

}  // namespace neutrino::agent::ovs::testing
