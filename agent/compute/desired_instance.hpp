#pragma once
// An instance of the host's desired state (contract §2), checked for what the compute part
// needs of it: names that become paths and domain names, sizes in range, image records.
//
// It starts from the typed model (common/model/instance.hpp), so an "instance:<uuid>" object
// that does not decode as model::Instance at all (a missing member, a member of the wrong
// JSON type) never reaches compute: model::HostModel drops it, with a rate-limited log, and
// the compute part sees no such instance. Only objects that decode but make no sense here
// (out of range, a bad name, an unusable image record) are reported as faults.
#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/model/instance.hpp"
#include "compute/images/image_meta.hpp"

namespace neutrino::agent {

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
  std::string kernel_cmdline;              // "" unless the image has os_command_line
  std::vector<model::InstancePort> ports;  // each with an id, a MAC and an MTU in 0..65535
  bool running = true;                     // "power": "running" | "stopped"
  int64_t reboot_count = 0;
  bool hard_reboot = false;  // "reboot_type": "HARD"
  int64_t start_count = 0;   // the starts the user asked for (server start)

  // Throws std::invalid_argument naming what is wrong.
  static DesiredInstance from_model(const model::Instance& instance);
};

// The instances of `table` (the host model's, by id) that pass from_model; the others are
// returned in `invalid` (id -> reason) so they can be reported as errors.
std::map<std::string, DesiredInstance> desired_instances(
    const std::map<std::string, model::Instance>& table,
    std::map<std::string, std::string>* invalid);

}  // namespace neutrino::agent
