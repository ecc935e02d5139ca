#pragma once
// The compute part of an agent started with --compute, wired together: the libvirt driver,
// the image service client, and the ComputeService reconciling instances. The Agent hands it
// the desired state, the ports the network reconciler acked up and the controller's compute
// messages, and adds hello_member() to its hello.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/app/agent_config.hpp"
#include "agent/compute/compute_service.hpp"
#include "agent/compute/host_capacity.hpp"

namespace neutrino::agent {

class ComputeAgent {
 public:
  // `send` posts a message to the controller (never blocks).
  ComputeAgent(const AgentConfig& config, SendFn send);
  ~ComputeAgent();

  void start();
  void stop();
  void set_state(const std::map<std::string, model::Instance>& instances) {
    service_->set_state(instances);
  }
  void set_ports_up(const std::vector<std::string>& up) { service_->set_ports_up(up); }
  void connected() { service_->connected(); }
  void handle_message(const Json& message) { service_->handle_message(message); }
  // The hello's "compute" member (contract §1, plus "usage": HostUsage, when libvirt has
  // answered). Cheap: no libvirt call.
  Json hello_member() const;

 private:
  void refresh_hypervisor();

  const AgentConfig& config_;
  HostCapacity capacity_;
  std::unique_ptr<compute::ComputeDriver> driver_;
  std::unique_ptr<compute::ImageSource> images_;
  std::unique_ptr<ComputeService> service_;
  mutable std::mutex mutex_;
  compute::HypervisorInfo hypervisor_;
};

}  // namespace neutrino::agent
