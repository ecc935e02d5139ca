#pragma once
// libvirt's default event implementation, run on a thread of its own. Domain events,
// keepalives and the close callback of a connection are only delivered while it runs. The
// implementation is process-wide (virEventRegisterDefaultImpl may be called once), so drivers
// share one loop: the first acquire() starts the thread, the last release() stops it.
#include <memory>

namespace neutrino::compute {

class LibvirtEventLoop {
 public:
  // Registers the default implementation (once per process) and runs the loop while the
  // returned handle lives. Call before virConnectOpen.
  static std::shared_ptr<LibvirtEventLoop> acquire();
  ~LibvirtEventLoop();

 private:
  LibvirtEventLoop();
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace neutrino::compute
