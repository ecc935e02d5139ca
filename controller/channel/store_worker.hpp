#pragma once
// One thread that runs the channel's store writes (agent registration, heartbeats, acks,
// compute reports) in the order they were posted, so no SQL (and no fsync) ever runs on the
// channel's I/O thread: a slow disk delays those writes, never a heartbeat or a delta.
#include <deque>
#include <functional>
#include <thread>

#include "common/cond_var.hpp"
#include "common/mutex.hpp"
#include "common/thread_role.hpp"

namespace neutrino::channel {

class StoreWorker {
 public:
  StoreWorker();
  ~StoreWorker();
  StoreWorker(const StoreWorker&) = delete;
  StoreWorker& operator=(const StoreWorker&) = delete;

  // Any thread. A task that throws is logged; the next one runs.
  void post(std::function<void()> task);
  // Runs what was posted, then ends the thread; later posts are dropped.
  void stop();
  // The role of the worker's thread: what only posted tasks touch is GUARDED_BY it.
  const ThreadRole& thread_role() const RETURN_CAPABILITY(role_) { return role_; }

 private:
  void run();

  ThreadRole role_;
  Mutex mutex_;
  CondVar wake_;
  std::deque<std::function<void()>> tasks_ GUARDED_BY(mutex_);
  bool stopping_ GUARDED_BY(mutex_) = false;
  std::thread thread_;
};

}  // namespace neutrino::channel
