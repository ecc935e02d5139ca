#include "controller/app/periodic_task.hpp"

#include "common/log.hpp"

namespace neutrino::controller {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds period,
                           std::function<void()> task)
    : name_(std::move(name)), period_(period), task_(std::move(task)) {
  thread_ = std::thread([this] { run(); });
}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void PeriodicTask::run() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, period_, [this] { return stopping_; })) {
    lock.unlock();
    try {
      task_();
    } catch (const std::exception& e) {
      log::error(name_, ": ", e.what());
    }
    lock.lock();
  }
}

}  // namespace neutrino::controller
