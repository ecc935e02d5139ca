#pragma once
// A server as the compute API keeps it: the instance record the metadata service also reads,
// plus what Nova's instances table holds for the compute service (flavor, image, host,
// states) and the latest fault.
#include <cstdint>
#include <optional>
#include <string>

#include "common/json.hpp"
#include "controller/metadata/instance_record.hpp"

namespace neutrino::compute {

struct InstanceFault {
  int64_t code = 500;
  std::string message;
  std::string details;
  int64_t created_at = 0;
};

struct ServerRecord {
  metadata::InstanceRecord instance;
  std::string user_id;
  std::string image_ref;
  std::string kernel_id;
  std::string ramdisk_id;
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t root_gb = 0;
  int64_t ephemeral_gb = 0;
  Json flavor = Json::object();      // flavor_snapshot() of the flavor it was built with
  Json image_meta = Json::object();  // {"image": {...}, "kernel": ..., "ramdisk": ..., ...}
  std::optional<std::string> host;
  std::optional<std::string> node;
  std::string vm_state = "building";
  std::optional<std::string> task_state;
  int power_state = 0;
  std::string desired_power = "running";
  int64_t reboot_count = 0;
  std::optional<int64_t> launched_at;
  std::optional<std::string> description;
  std::string config_drive;
  std::optional<InstanceFault> fault;

  const std::string& id() const { return instance.id; }
  const std::string& project_id() const { return instance.project_id; }
};

}  // namespace neutrino::compute
