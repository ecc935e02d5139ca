#pragma once
// An in-memory ComputeDriver for unit tests of the agent's compute logic: domains with specs
// and power states, a call log, injectable failures and an "unreachable hypervisor" switch.
// Tests play the guest with set_power() (e.g. a guest powering itself off).
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "compute/driver/compute_driver.hpp"

namespace neutrino::compute {

class FakeComputeDriver : public ComputeDriver {
 public:
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

  // --- test controls ---
  // The next call of `operation` ("define", "resume", "power_off", "power_on", "reboot",
  // "destroy") throws ComputeDriverError(message).
  void fail_next(const std::string& operation, const std::string& message);
  // false: every call throws, as with libvirtd down.
  void set_reachable(bool reachable);
  // Changes a domain's state behind the agent's back and notifies the listener.
  void set_power(const std::string& name, PowerState power);
  void set_console(const std::string& name, const std::string& text);
  // The guest powers itself off as soon as power_on() starts it (a boot that ends at once).
  void power_off_when_started(const std::string& name);
  // "define instance-00000001", "resume instance-00000001", ... in call order.
  std::vector<std::string> calls() const;
  std::optional<DomainSpec> spec(const std::string& name) const;
  // A domain as if defined by an earlier agent (adoption after restart).
  void add_domain(const DomainSpec& spec, PowerState power);

 private:
  struct Domain {
    DomainSpec spec;
    PowerState power = PowerState::kShutdown;
    int boots = 0;
  };
  void enter(const std::string& operation, const std::string& name);  // mutex_ held
  Domain& find(const std::string& name);                              // mutex_ held
  void notify(const std::string& name);

  mutable std::mutex mutex_;
  std::map<std::string, Domain> domains_;
  std::map<std::string, std::string> failures_;
  std::map<std::string, std::string> consoles_;
  std::set<std::string> off_when_started_;
  std::vector<std::string> calls_;
  bool reachable_ = true;
  std::function<void(const std::string&)> listener_;
};

}  // namespace neutrino::compute
