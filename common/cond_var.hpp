#pragma once
// A condition variable that waits on a neutrino::Mutex the caller holds. Waits take no
// predicate (a predicate lambda would read guarded members where the analysis cannot see the
// lock): callers loop, re-checking their condition under the lock after every wake-up.
#include <chrono>
#include <condition_variable>
#include <mutex>

#include "common/mutex.hpp"
#include "common/thread_annotations.hpp"

namespace neutrino {

class CondVar {
 public:
  void notify_one() noexcept { cv_.notify_one(); }
  void notify_all() noexcept { cv_.notify_all(); }

  // Unlocks `mutex`, sleeps until notified (or spuriously woken), locks it again.
  void wait(Mutex& mutex) REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex.mutex_, std::adopt_lock);
    cv_.wait(lock);
    lock.release();  // the caller still holds it
  }

  // As wait(); false once `deadline` has passed.
  template <typename Clock, typename Duration>
  bool wait_until(Mutex& mutex, const std::chrono::time_point<Clock, Duration>& deadline)
      REQUIRES(mutex) {
    std::unique_lock<std::mutex> lock(mutex.mutex_, std::adopt_lock);
    const bool notified = cv_.wait_until(lock, deadline) == std::cv_status::no_timeout;
    lock.release();
    return notified;
  }

 private:
  std::condition_variable cv_;
};

}  // namespace neutrino
