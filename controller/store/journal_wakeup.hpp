#pragma once
// What wakes a journal follower when the journal may have grown. The seam has one
// implementation per way the news travels: in one process, the store's commit listener calls
// notify(); across controllers on PostgreSQL, LISTEN/NOTIFY will. A follower never relies on
// it alone for correctness: it re-reads the journal after every wait, woken or not.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace neutrino::store {

class JournalWakeup {
 public:
  virtual ~JournalWakeup() = default;
  // The journal may have new entries (any thread).
  virtual void notify() = 0;
  // Waits until notify() was called since the last wait returned, or `timeout` passed, or
  // interrupt(). Returns false once interrupted.
  virtual bool wait(std::chrono::milliseconds timeout) = 0;
  // Makes every wait return false from now on (shutting down).
  virtual void interrupt() = 0;
};

// In one process: a condition variable that remembers a notify nobody waited for yet.
class InProcessJournalWakeup final : public JournalWakeup {
 public:
  void notify() override {
    {
      std::lock_guard lock(mutex_);
      pending_ = true;
    }
    changed_.notify_all();
  }
  bool wait(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, timeout, [this] { return pending_ || interrupted_; });
    pending_ = false;
    return !interrupted_;
  }
  void interrupt() override {
    {
      std::lock_guard lock(mutex_);
      interrupted_ = true;
    }
    changed_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  bool pending_ = false;
  bool interrupted_ = false;
};

}  // namespace neutrino::store
