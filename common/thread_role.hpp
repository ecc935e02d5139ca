#pragma once
// A capability held by one thread rather than by a lock: state that lives on an I/O thread
// (touched only by the handlers that thread runs) is GUARDED_BY the role, and code running there
// says so with assert_current(). The analysis then rejects an access from code that has not
// asserted it, and a build with assertions checks at run time that the assertion is true.
#include <atomic>
#include <cassert>
#include <thread>

#include "common/thread_annotations.hpp"

namespace neutrino {

class CAPABILITY("thread role") ThreadRole {
 public:
  // The calling thread plays the role from now on (the first thing an I/O thread does, or the
  // owner setting things up before that thread exists).
  void bind_to_this_thread() ASSERT_CAPABILITY(this) {
    owner_.store(std::this_thread::get_id(), std::memory_order_relaxed);
  }
  // Code that runs on the role's thread: a posted or completion handler.
  void assert_current() const ASSERT_CAPABILITY(this) {
    assert(owner_.load(std::memory_order_relaxed) == std::this_thread::get_id());
  }

 private:
  std::atomic<std::thread::id> owner_{};
};

}  // namespace neutrino
