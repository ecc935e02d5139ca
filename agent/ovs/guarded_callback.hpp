#pragma once
// A callback slot that is safe to clear while the io thread may be calling it: once set() or
// reset() returns, the previous function is not running (unless reset from inside itself)
// and will not be called again. This is what lets an object that registered a callback
// capturing `this` be destroyed on any thread.
#include <functional>
#include <mutex>
#include <utility>

namespace neutrino::agent::ovs {

template <typename... Args>
class GuardedCallback {
 public:
  using Function = std::function<void(Args...)>;

  void set(Function function) {
    std::lock_guard lock(mutex_);
    function_ = std::move(function);
  }
  void reset() { set(nullptr); }

  // Returns false when no function is set. Holding the (recursive) lock while calling is
  // what makes set() wait for a call in progress on another thread.
  bool operator()(Args... args) {
    std::lock_guard lock(mutex_);
    if (!function_) {
      return false;
    }
    Function local = function_;  // the function may replace itself while running
    local(std::forward<Args>(args)...);
    return true;
  }

 private:
  std::recursive_mutex mutex_;
  Function function_;
};

}  // namespace neutrino::agent::ovs
