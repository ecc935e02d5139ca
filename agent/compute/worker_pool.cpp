#include "agent/compute/worker_pool.hpp"

#include <exception>

#include "common/log.hpp"

namespace neutrino::agent {

WorkerPool::WorkerPool(std::string name, size_t threads) : name_(std::move(name)) {
  for (size_t i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
}

void WorkerPool::post(std::function<void()> job) {
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

void WorkerPool::run() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) {
        return;  // queued work is dropped: a restarted agent plans it again
      }
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    try {
      job();
    } catch (const std::exception& e) {
      log::error(name_, ": a job failed: ", e.what());
    }
  }
}

}  // namespace neutrino::agent
