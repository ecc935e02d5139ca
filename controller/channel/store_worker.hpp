#pragma once
// One thread that runs the channel's store writes (agent registration, heartbeats, acks,
// compute reports) in the order they were posted, so no SQL (and no fsync) ever runs on the
// channel's I/O thread: a slow disk delays those writes, never a heartbeat or a delta.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

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

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> tasks_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace neutrino::channel
