#include "compute/driver/fake_compute_driver.hpp"

namespace neutrino::compute {

void FakeComputeDriver::enter(const std::string& operation, const std::string& name) {
  calls_.push_back(operation + (name.empty() ? "" : " " + name));
  if (!reachable_) {
    throw ComputeDriverError("Failed to connect socket to '/run/libvirt/libvirt-sock'");
  }
  if (const auto it = failures_.find(operation); it != failures_.end()) {
    const std::string message = it->second;
    failures_.erase(it);
    throw ComputeDriverError(message);
  }
}

FakeComputeDriver::Domain& FakeComputeDriver::find(const std::string& name) {
  const auto it = domains_.find(name);
  if (it == domains_.end()) {
    throw ComputeDriverError("Domain not found: no domain with matching name '" + name + "'");
  }
  return it->second;
}

void FakeComputeDriver::notify(const std::string& name) {
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lock(mutex_);
    listener = listener_;
  }
  if (listener) {
    listener(name);
  }
}

HypervisorInfo FakeComputeDriver::hypervisor_info() {
  std::lock_guard lock(mutex_);
  enter("hypervisor_info", "");
  return HypervisorInfo{"QEMU", 7002000, "qemu"};
}

std::string FakeComputeDriver::define_and_start_paused(const DomainSpec& spec) {
  {
    std::lock_guard lock(mutex_);
    enter("define", spec.name);
    Domain& domain = domains_[spec.name];
    domain.spec = spec;
    domain.power = PowerState::kPaused;
    ++domain.boots;
  }
  notify(spec.name);
  return "<domain type='" + spec.virt_type + "'><name>" + spec.name + "</name></domain>\n";
}

void FakeComputeDriver::resume(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    enter("resume", name);
    find(name).power = PowerState::kRunning;
  }
  notify(name);
}

void FakeComputeDriver::power_off(const std::string& name, std::chrono::seconds) {
  {
    std::lock_guard lock(mutex_);
    enter("power_off", name);
    find(name).power = PowerState::kShutdown;
  }
  notify(name);
}

void FakeComputeDriver::power_on(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    enter("power_on", name);
    Domain& domain = find(name);
    domain.power = off_when_started_.contains(name) ? PowerState::kShutdown : PowerState::kRunning;
    ++domain.boots;
  }
  notify(name);
}

void FakeComputeDriver::power_off_when_started(const std::string& name) {
  std::lock_guard lock(mutex_);
  off_when_started_.insert(name);
}

void FakeComputeDriver::reboot(const std::string& name, RebootKind kind) {
  {
    std::lock_guard lock(mutex_);
    enter(kind == RebootKind::kHard ? "reboot hard" : "reboot soft", name);
    Domain& domain = find(name);
    domain.power = PowerState::kRunning;
    ++domain.boots;
  }
  notify(name);
}

void FakeComputeDriver::destroy(const std::string& name) {
  {
    std::lock_guard lock(mutex_);
    enter("destroy", name);
    domains_.erase(name);
  }
  notify(name);
}

std::vector<DomainStatus> FakeComputeDriver::list_domains() {
  std::lock_guard lock(mutex_);
  if (!reachable_) {
    throw ComputeDriverError("Failed to connect socket to '/run/libvirt/libvirt-sock'");
  }
  std::vector<DomainStatus> out;
  for (const auto& [name, domain] : domains_) {
    out.push_back({name, domain.spec.uuid, domain.power, domain.spec.vcpus, domain.spec.memory_mb});
  }
  return out;
}

std::optional<DomainStatus> FakeComputeDriver::domain(const std::string& name) {
  std::lock_guard lock(mutex_);
  if (!reachable_) {
    throw ComputeDriverError("Failed to connect socket to '/run/libvirt/libvirt-sock'");
  }
  const auto it = domains_.find(name);
  if (it == domains_.end()) {
    return std::nullopt;
  }
  const Domain& d = it->second;
  return DomainStatus{name, d.spec.uuid, d.power, d.spec.vcpus, d.spec.memory_mb};
}

std::string FakeComputeDriver::console_output(const std::string& name, size_t max_bytes) {
  std::lock_guard lock(mutex_);
  enter("console", name);
  find(name);
  const std::string& text = consoles_[name];
  return text.size() > max_bytes ? text.substr(text.size() - max_bytes) : text;
}

void FakeComputeDriver::set_change_listener(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(mutex_);
  listener_ = std::move(listener);
}

void FakeComputeDriver::fail_next(const std::string& operation, const std::string& message) {
  std::lock_guard lock(mutex_);
  failures_[operation] = message;
}

void FakeComputeDriver::set_reachable(bool reachable) {
  {
    std::lock_guard lock(mutex_);
    reachable_ = reachable;
  }
  if (reachable) {
    notify("");
  }
}

void FakeComputeDriver::set_power(const std::string& name, PowerState power) {
  {
    std::lock_guard lock(mutex_);
    find(name).power = power;
  }
  notify(name);
}

void FakeComputeDriver::set_console(const std::string& name, const std::string& text) {
  std::lock_guard lock(mutex_);
  consoles_[name] = text;
}

std::vector<std::string> FakeComputeDriver::calls() const {
  std::lock_guard lock(mutex_);
  return calls_;
}

std::optional<DomainSpec> FakeComputeDriver::spec(const std::string& name) const {
  std::lock_guard lock(mutex_);
  const auto it = domains_.find(name);
  return it == domains_.end() ? std::nullopt : std::optional<DomainSpec>(it->second.spec);
}

void FakeComputeDriver::add_domain(const DomainSpec& spec, PowerState power) {
  std::lock_guard lock(mutex_);
  domains_[spec.name] = Domain{spec, power, 1};
}

}  // namespace neutrino::compute
