#include "controller/channel/store_worker.hpp"

#include "common/log.hpp"

namespace neutrino::channel {

StoreWorker::StoreWorker()
    : thread_([this] {
        role_.bind_to_this_thread();
        run();
      }) {}

StoreWorker::~StoreWorker() {
  stop();
}

void StoreWorker::post(std::function<void()> task) {
  {
    MutexLock lock(mutex_);
    if (stopping_) {
      return;
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void StoreWorker::stop() {
  {
    MutexLock lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) {
    thread_.join();
  }
}

void StoreWorker::run() {
  for (;;) {
    std::function<void()> task;
    {
      MutexLock lock(mutex_);
      while (!stopping_ && tasks_.empty()) {
        wake_.wait(mutex_);
      }
      if (tasks_.empty()) {
        return;
      }
      task = std::move(tasks_.front());
      tasks_.pop_front();
    }
    try {
      task();
    } catch (const std::exception& e) {
      log::warning("agent channel: store write failed: ", e.what());
    }
  }
}

}  // namespace neutrino::channel
