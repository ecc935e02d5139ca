#pragma once
// An "instance:<uuid>" object of the host's desired state (contract §2), parsed and checked.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/channel/host_state.hpp"
#include "compute/images/image_meta.hpp"

namespace neutrino::agent {

struct InstancePort {
  std::string id;
  std::string mac_address;
  std::string network_id;
  int mtu = 0;
};

struct DesiredInstance {
  std::string id;
  std::string name;  // domain name, "instance-0000000a"
  std::string hostname;
  int vcpus = 1;
  int64_t memory_mb = 64;
  int64_t root_gb = 0;
  compute::ImageMeta image;
  std::optional<compute::ImageMeta> kernel;
  std::optional<compute::ImageMeta> ramdisk;
  std::string kernel_cmdline;  // "" unless the image has os_command_line
  std::vector<InstancePort> ports;
  bool running = true;  // "power": "running" | "stopped"
  int64_t reboot_count = 0;
  bool hard_reboot = false;  // optional "reboot_type": "HARD"
  int64_t start_count = 0;   // the starts the user asked for (server start)

  // Throws std::invalid_argument naming what is wrong.
  static DesiredInstance from_json(const Json& object);
};

// Every "instance:" object of `state`, by id; objects that do not parse are returned in
// `invalid` (id -> reason) so they can be reported as errors.
std::map<std::string, DesiredInstance> desired_instances(
    const channel::HostState& state, std::map<std::string, std::string>* invalid);

}  // namespace neutrino::agent
