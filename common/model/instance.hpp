#pragma once
// An instance the host must run ("instance:<uuid>"), as docs/compute.md's contract gives it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/model/nullable.hpp"

namespace neutrino::model {

struct InstancePort {
  std::string id;
  std::string mac_address;
  std::string network_id;
  int64_t mtu = 1500;
  bool operator==(const InstancePort&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(InstancePort, id, mac_address, network_id, mtu)

struct Instance {
  std::string id;
  std::string name;  // libvirt domain name, instance-%08x
  std::string hostname;
  std::string project_id;
  int64_t vcpus = 1;
  int64_t memory_mb = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  // Glance's image records ({id, disk_format, container_format, size, checksum, os_hash_algo,
  // os_hash_value}) as the controller captured them at boot; the agent's compute part checks
  // them (agent/compute/desired_instance.cpp). Kernel and ramdisk are null without one.
  Json image;
  Json kernel;
  Json ramdisk;
  std::optional<std::string> kernel_cmdline;
  std::vector<InstancePort> ports;  // in the server's NIC order
  std::string power;                // "running" or "stopped": what the user asked for
  int64_t reboot_count = 0;
  std::string reboot_type = "SOFT";  // of the latest reboot: "SOFT" or "HARD" (Nova's)
  int64_t start_count = 0;           // `server start`s: each one the agent carries out once
  bool operator==(const Instance&) const = default;
};
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Instance, id, name, hostname, project_id, vcpus, memory_mb,
                                   root_gb, ephemeral_gb, image, kernel, ramdisk, kernel_cmdline,
                                   ports, power, reboot_count, reboot_type, start_count)

}  // namespace neutrino::model
