#include "controller/channel/store_worker.hpp"

#include "common/log.hpp"

namespace neutrino::channel {

StoreWorker::StoreWorker() : thread_([this] { run(); }) {}

StoreWorker::~StoreWorker() {
  stop();
}

void StoreWorker::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      return;
    }
    tasks_.push_back(std::move(task));
  }
  wake_.notify_one();
}

void StoreWorker::stop() {
  {
    std::lock_guard lock(mutex_);
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
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
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
