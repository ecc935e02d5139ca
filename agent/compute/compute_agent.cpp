#include "agent/compute/compute_agent.hpp"

#include "agent/compute/glance_image_source.hpp"
#include "common/log.hpp"
#include "compute/libvirt/libvirt_driver.hpp"

namespace neutrino::agent {
namespace {

// Glance's api_servers may list several endpoints; the first is used.
std::string first_endpoint(const std::string& list) {
  return list.substr(0, list.find(','));
}

}  // namespace

ComputeAgent::ComputeAgent(const AgentConfig& config, SendFn send)
    : config_(config),
      capacity_(measure_host_capacity(config.instances_path, config.compute_vcpus,
                                      config.compute_memory_mb, config.compute_disk_gb)),
      driver_(std::make_unique<compute::LibvirtDriver>(
          compute::LibvirtOptions{config.libvirt_uri, config.virt_type})),
      images_(std::make_unique<GlanceImageSource>(
          ImageServiceEndpoint::parse(first_endpoint(config.image_service)), config.host,
          config.agent_secret)) {
  ComputeServiceOptions options;
  options.instances_path = config.instances_path;
  options.applied_state_path = config.state_dir + "/compute-applied.json";
  options.integration_bridge = config.integration_bridge;
  options.checksum_offload = config.datapath_type != "netdev";
  options.shutdown_timeout = std::chrono::seconds(config.shutdown_timeout);
  service_ = std::make_unique<ComputeService>(options, *driver_, *images_, std::move(send));
  hypervisor_.virt_type = config.virt_type == "auto" ? "qemu" : config.virt_type;
}

ComputeAgent::~ComputeAgent() {
  stop();
}

void ComputeAgent::refresh_hypervisor() {
  try {
    const compute::HypervisorInfo info = driver_->hypervisor_info();
    std::lock_guard lock(mutex_);
    hypervisor_ = info;
  } catch (const std::exception& e) {
    log::warning("compute: libvirt is not reachable yet (", e.what(), "); guests start once it is");
  }
}

void ComputeAgent::start() {
  refresh_hypervisor();
  service_->start();
  log::info("compute: ", capacity_.vcpus, " vCPUs, ", capacity_.memory_mb, " MiB, ",
            capacity_.disk_gb, " GiB for guests under ", config_.instances_path, " (",
            hello_member()["virt_type"].get<std::string>(), ")");
}

void ComputeAgent::stop() {
  service_->stop();
}

Json ComputeAgent::hello_member() const {
  const std::optional<HostUsage> usage = service_->usage();
  std::lock_guard lock(mutex_);
  Json out = {{"vcpus", capacity_.vcpus},
              {"memory_mb", capacity_.memory_mb},
              {"disk_gb", capacity_.disk_gb},
              {"hypervisor_type", hypervisor_.hypervisor_type},
              {"hypervisor_version", hypervisor_.hypervisor_version},
              {"availability_zone", config_.availability_zone},
              {"virt_type", hypervisor_.virt_type}};
  if (usage) {
    out["usage"] = usage->to_json();
  }
  return out;
}

}  // namespace neutrino::agent
