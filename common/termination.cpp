#include "common/termination.hpp"

#include <pthread.h>
#include <signal.h>

#include "common/log.hpp"

namespace neutrino {

void run_until_terminated(const std::function<void()>& start, const std::function<void()>& stop) {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  start();
  int received = 0;
  sigwait(&signals, &received);
  log::info("received signal ", received, ", stopping");
  stop();
}

}  // namespace neutrino
