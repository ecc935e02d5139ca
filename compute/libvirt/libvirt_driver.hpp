#pragma once
// ComputeDriver on libvirt's C API. One connection (qemu:///system by default), opened on
// first use and re-opened after libvirtd went away (its close callback or keepalive tells;
// the next call reconnects, and the change listener hears "" so the caller re-reads every
// domain). Domain lifecycle events arrive through libvirt's default event loop and reach the
// change listener with the domain's name. Calls may come from several threads: each takes a
// reference to the connection, so a long graceful shutdown blocks nothing else.
#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "compute/driver/compute_driver.hpp"

typedef struct _virConnect* virConnectPtr;

namespace neutrino::compute {

class LibvirtEventLoop;

struct LibvirtOptions {
  std::string uri = "qemu:///system";
  // "auto": kvm when the probe says KVM can run a guest, else qemu (TCG).
  std::string virt_type = "auto";
};

class LibvirtDriver : public ComputeDriver {
 public:
  explicit LibvirtDriver(LibvirtOptions options);
  ~LibvirtDriver() override;

  HypervisorInfo hypervisor_info() override;
  std::string define_and_start_paused(const DomainSpec& spec) override;
  void resume(const std::string& name) override;
  void power_off(const std::string& name, std::chrono::seconds timeout) override;
  void power_on(const std::string& name) override;
  void reboot(const std::string& name, RebootKind kind) override;
  void destroy(const std::string& name) override;
  std::vector<DomainStatus> list_domains() override;
  std::optional<DomainStatus> domain(const std::string& name) override;
  std::string console_output(const std::string& name, size_t max_bytes) override;
  void set_change_listener(std::function<void(const std::string&)> listener) override;

  // The domain type guests get ("kvm" or "qemu"); connects to decide.
  std::string virt_type();

  class Connection;  // a counted reference to a virConnectPtr

 private:
  Connection connection();
  bool open_locked();   // mutex_ held; true when it replaced a lost connection
  void close_locked();  // mutex_ held
  void notify(const std::string& name);
  static void on_close(virConnectPtr, int reason, void* self);

  LibvirtOptions options_;
  std::shared_ptr<LibvirtEventLoop> loop_;
  std::mutex mutex_;
  virConnectPtr conn_ = nullptr;
  int lifecycle_callback_ = -1;
  std::atomic<bool> lost_{false};
  bool was_connected_ = false;
  std::string virt_type_;  // decided at the first connection
  std::mutex listener_mutex_;
  std::function<void(const std::string&)> listener_;
};

}  // namespace neutrino::compute
