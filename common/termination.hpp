#pragma once
// How both daemons live: start, wait for SIGTERM or SIGINT, stop.
#include <functional>

namespace neutrino {

// The signals are blocked before `start` runs, so every thread it creates inherits the mask
// and the signal reaches the sigwait() here rather than an arbitrary thread.
void run_until_terminated(const std::function<void()>& start, const std::function<void()>& stop);

}  // namespace neutrino
