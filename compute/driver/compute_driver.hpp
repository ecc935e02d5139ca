#pragma once
// The seam between the agent's compute logic and a hypervisor, as OVN's vif-plug providers
// or Katran's adapters are: LibvirtDriver talks to libvirtd, FakeComputeDriver keeps domains
// in memory for unit tests. Domains are named by the caller ("instance-0000000a") and
// described by a DomainSpec; every call is synchronous and may block (libvirt RPCs, a
// graceful shutdown), so callers run them off their event loops. Errors are
// ComputeDriverError with the hypervisor's own message, which becomes the instance's fault.
#include <chrono>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "compute/driver/domain_spec.hpp"
#include "compute/driver/power_state.hpp"

namespace neutrino::compute {

class ComputeDriverError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DomainStatus {
  std::string name;
  std::string uuid;
  PowerState power = PowerState::kNoState;
  int vcpus = 0;          // as defined
  int64_t memory_mb = 0;  // as defined (the maximum)
};

// What the agent tells the controller about this hypervisor (contract §1).
struct HypervisorInfo {
  std::string hypervisor_type = "QEMU";
  int64_t hypervisor_version = 0;  // virConnectGetVersion: major * 1000000 + minor * 1000 + rel
  std::string virt_type = "qemu";  // "kvm" or "qemu" (TCG)
};

enum class RebootKind { kSoft, kHard };

class ComputeDriver {
 public:
  virtual ~ComputeDriver() = default;

  // Connects (or reconnects) and reports the hypervisor. Throws when it cannot be reached.
  virtual HypervisorInfo hypervisor_info() = 0;
  // Defines the domain (persistently) and starts it paused: devices, taps included, exist
  // but no guest instruction runs. Returns the domain XML as defined.
  virtual std::string define_and_start_paused(const DomainSpec& spec) = 0;
  virtual void resume(const std::string& name) = 0;
  // ACPI power button, then waits up to `timeout` for the guest to stop, then pulls the plug.
  // A zero timeout pulls the plug at once.
  virtual void power_off(const std::string& name, std::chrono::seconds timeout) = 0;
  virtual void power_on(const std::string& name) = 0;
  // kSoft: the guest is asked to reboot (ACPI); kHard: destroyed and started again, as Nova's
  // hard reboot. Either starts a domain that is off.
  virtual void reboot(const std::string& name, RebootKind kind) = 0;
  // Stops the domain at once and forgets its definition. No error when it does not exist.
  virtual void destroy(const std::string& name) = 0;
  virtual std::vector<DomainStatus> list_domains() = 0;
  virtual std::optional<DomainStatus> domain(const std::string& name) = 0;
  // The last `max_bytes` of the domain's serial console log ("" when there is none yet).
  virtual std::string console_output(const std::string& name, size_t max_bytes) = 0;
  // Called (from any thread) with a domain's name whenever its state may have changed, and
  // with "" after a lost hypervisor connection was re-established (all may have changed).
  virtual void set_change_listener(std::function<void(const std::string& name)> listener) = 0;
};

}  // namespace neutrino::compute
