#include "compute/libvirt/libvirt_event_loop.hpp"

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "common/log.hpp"

namespace neutrino::compute {

struct LibvirtEventLoop::State {
  std::atomic<bool> stopping{false};
  std::thread thread;
};

namespace {

std::mutex loop_mutex;
std::weak_ptr<LibvirtEventLoop> current_loop;

void register_once() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (virInitialize() < 0 || virEventRegisterDefaultImpl() < 0) {
      throw std::runtime_error("cannot initialise libvirt's event loop");
    }
  });
}

// A timer that fires at once and removes itself: wakes the loop so it sees `stopping`.
void wake_loop() {
  const int timer = virEventAddTimeout(
      0, [](int id, void*) { virEventRemoveTimeout(id); }, nullptr, nullptr);
  if (timer < 0) {
    log::warning("libvirt: cannot wake the event loop");
  }
}

}  // namespace

LibvirtEventLoop::LibvirtEventLoop() : state_(std::make_unique<State>()) {
  State* state = state_.get();
  state->thread = std::thread([state] {
    while (!state->stopping.load()) {
      if (virEventRunDefaultImpl() < 0) {
        log::warning("libvirt event loop: ", virGetLastErrorMessage());
      }
    }
  });
}

LibvirtEventLoop::~LibvirtEventLoop() {
  state_->stopping = true;
  wake_loop();
  state_->thread.join();
}

std::shared_ptr<LibvirtEventLoop> LibvirtEventLoop::acquire() {
  std::lock_guard lock(loop_mutex);
  register_once();
  if (auto loop = current_loop.lock()) {
    return loop;
  }
  std::shared_ptr<LibvirtEventLoop> loop(new LibvirtEventLoop());
  current_loop = loop;
  return loop;
}

}  // namespace neutrino::compute
