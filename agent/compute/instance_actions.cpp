#include "agent/compute/instance_actions.hpp"

#include "common/log.hpp"

namespace neutrino::agent {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;
constexpr const char* kDefaultCmdline = "console=ttyS0 root=/dev/vda";

}  // namespace

compute::DomainSpec domain_spec_of(const DesiredInstance& instance,
                                   const compute::InstancePaths& paths,
                                   const ComputeContext& context, bool direct_kernel,
                                   bool with_ramdisk) {
  compute::DomainSpec spec;
  spec.name = instance.name;
  spec.uuid = instance.id;
  spec.hostname = instance.hostname;
  spec.memory_mb = instance.memory_mb;
  spec.vcpus = instance.vcpus;
  spec.disk_path = paths.disk;
  spec.disk_cache = context.files.disk_cache_mode();
  spec.console_log_path = paths.console_log;
  if (direct_kernel) {
    spec.kernel_path = paths.kernel;
    spec.ramdisk_path = with_ramdisk ? paths.ramdisk : "";
    spec.kernel_cmdline =
        instance.kernel_cmdline.empty() ? kDefaultCmdline : instance.kernel_cmdline;
  }
  for (const auto& port : instance.ports) {
    spec.vifs.push_back({port.id, port.mac_address, context.integration_bridge,
                         static_cast<int>(port.mtu),  // 0..65535 (DesiredInstance)
                         context.checksum_offload});
  }
  return spec;
}

void spawn_instance(ComputeContext& context, const DesiredInstance& instance) {
  const auto started = std::chrono::steady_clock::now();
  // Never build over a domain of that name: its guest may be running (an agent that could not
  // see it yet), and the cleanup below would destroy it.
  if (context.driver.domain(instance.name)) {
    throw SpawnError("Domain " + instance.name + " already exists",
                     "spawn refused: the hypervisor already has this domain");
  }
  std::string step = "image";
  try {
    compute::InstanceDisk disk;
    disk.base = context.images.ensure(instance.image);
    if (instance.kernel) {
      disk.kernel_base = context.images.ensure(*instance.kernel);
    }
    if (instance.ramdisk) {
      disk.ramdisk_base = context.images.ensure(*instance.ramdisk);
    }
    disk.root_bytes = instance.root_gb * kGiB;
    step = "instance files";
    context.files.remove(instance.id);  // what a spawn interrupted by a crash left
    const compute::InstancePaths paths = context.files.create(instance.id, disk);
    step = "domain";
    const compute::DomainSpec spec = domain_spec_of(
        instance, paths, context, instance.kernel.has_value(), instance.ramdisk.has_value());
    const std::string xml = context.driver.define_and_start_paused(spec);
    context.files.write_domain_xml(instance.id, xml);
  } catch (const std::exception& e) {
    log::warning("instance ", instance.id, " (", instance.name, "): spawn failed at ", step, ": ",
                 e.what());
    try {
      context.driver.destroy(instance.name);
    } catch (const std::exception& cleanup) {
      log::warning("instance ", instance.id, ": cleanup: ", cleanup.what());
    }
    context.files.remove(instance.id);
    throw SpawnError(e.what(), "spawn failed at step: " + step);
  }
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
  log::info("instance ", instance.id, " (", instance.name, ") defined and started paused in ", ms,
            " ms; waiting for its ports");
}

void reboot_instance(ComputeContext& context, const std::string& name, bool hard) {
  if (hard) {
    context.driver.reboot(name, compute::RebootKind::kHard);
    return;
  }
  context.driver.power_off(name, context.shutdown_timeout);
  context.driver.power_on(name);
}

void destroy_instance(ComputeContext& context, const std::string& id, const std::string& name) {
  if (!name.empty()) {
    context.driver.destroy(name);
  }
  context.files.remove(id);
  log::info("instance ", id, " (", name, ") destroyed and its directory removed");
}

}  // namespace neutrino::agent
