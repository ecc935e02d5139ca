#pragma once
// The compute logic's long operations, run on worker threads: building an instance (images
// into the cache, the instance directory, the domain defined and started paused), powering
// it, rebooting and destroying it. Each throws what went wrong; a failed spawn has already
// removed what it made.
#include <chrono>
#include <string>

#include "agent/compute/desired_instance.hpp"
#include "compute/driver/compute_driver.hpp"
#include "compute/images/image_cache.hpp"
#include "compute/instance/instance_files.hpp"

namespace neutrino::agent {

struct ComputeContext {
  compute::ComputeDriver& driver;
  compute::ImageCache& images;
  compute::InstanceFiles& files;
  std::string integration_bridge = "br-int";
  std::chrono::seconds shutdown_timeout{60};
  bool checksum_offload = true;  // false on a userspace (netdev) datapath: VifSpec
};

// What a failed spawn reports: the message users see (server show's fault) and details.
class SpawnError : public std::runtime_error {
 public:
  SpawnError(const std::string& message, std::string details)
      : std::runtime_error(message), details_(std::move(details)) {}
  const std::string& details() const { return details_; }

 private:
  std::string details_;
};

// The DomainSpec of `instance` with its files at `paths`.
compute::DomainSpec domain_spec_of(const DesiredInstance& instance,
                                   const compute::InstancePaths& paths,
                                   const ComputeContext& context, bool direct_kernel,
                                   bool with_ramdisk);

// Contract §6 up to the paused domain. Throws SpawnError after cleaning up.
void spawn_instance(ComputeContext& context, const DesiredInstance& instance);
// Soft: graceful power off (ACPI, then destroy after the timeout) and start, as Nova's soft
// reboot with its fallback; hard: reset.
void reboot_instance(ComputeContext& context, const std::string& name, bool hard);
// Domain destroyed and undefined, directory removed.
void destroy_instance(ComputeContext& context, const std::string& id, const std::string& name);

}  // namespace neutrino::agent
