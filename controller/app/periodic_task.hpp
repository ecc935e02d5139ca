#pragma once
// Runs a function every `period` on its own thread until stopped, like Nova's periodic tasks.
// The function's exceptions are logged, never fatal.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace neutrino::controller {

class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::milliseconds period, std::function<void()> task);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

 private:
  void run();

  std::string name_;
  std::chrono::milliseconds period_;
  std::function<void()> task_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace neutrino::controller
