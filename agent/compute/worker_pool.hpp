#pragma once
// A fixed set of threads running queued jobs in order of arrival. The compute logic's long
// operations (downloads, qemu-img, libvirt calls) run here, never on the channel's event loop
// or the network reconciler's thread.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace neutrino::agent {

class WorkerPool {
 public:
  WorkerPool(std::string name, size_t threads);
  ~WorkerPool();  // waits for the jobs running; drops those not started
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Jobs must not throw: what they catch, they report.
  void post(std::function<void()> job);

 private:
  void run();

  std::string name_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace neutrino::agent
