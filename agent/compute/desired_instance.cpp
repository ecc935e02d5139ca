#include "agent/compute/desired_instance.hpp"

#include <regex>

#include "compute/instance/instance_files.hpp"

namespace neutrino::agent {
namespace {

// The model's integers are int64; these bounds keep them to what libvirt, the disk files and
// the counters can take.
template <typename T>
T in_range(int64_t value, const char* what, int64_t low, int64_t high) {
  if (value < low || value > high) {
    throw std::invalid_argument(std::string(what) + " " + std::to_string(value) +
                                " is out of range");
  }
  return static_cast<T>(value);
}

void check_ports(const std::vector<model::InstancePort>& ports) {
  for (const auto& port : ports) {
    if (port.id.empty() || port.mac_address.empty()) {
      throw std::invalid_argument("a port without id or mac_address");
    }
    in_range<int>(port.mtu, "a port's mtu", 0, 65535);
  }
}

// The image records are Glance's, kept as JSON in the model: they are checked here.
void read_images(const model::Instance& instance, DesiredInstance& out) {
  try {
    out.image = compute::ImageMeta::from_json(instance.image);
    out.kernel = compute::ImageMeta::optional_from_json(instance.kernel);
    out.ramdisk = compute::ImageMeta::optional_from_json(instance.ramdisk);
  } catch (const compute::ImageError& e) {
    throw std::invalid_argument(e.what());
  }
}

}  // namespace

DesiredInstance DesiredInstance::from_model(const model::Instance& instance) {
  DesiredInstance out;
  // The id and the name become paths and the libvirt domain's name.
  out.id = instance.id;
  if (!compute::looks_like_uuid(out.id)) {
    throw std::invalid_argument("id is not a uuid");
  }
  out.name = instance.name;
  static const std::regex domain_name("instance-[0-9a-f]{8,}");
  if (!std::regex_match(out.name, domain_name)) {
    throw std::invalid_argument("name '" + out.name + "' is not instance-%08x");
  }
  out.hostname = instance.hostname;
  out.vcpus = in_range<int>(instance.vcpus, "vcpus", 1, 1024);
  out.memory_mb = in_range<int64_t>(instance.memory_mb, "memory_mb", 16, int64_t{1} << 24);
  out.root_gb = in_range<int64_t>(instance.root_gb, "root_gb", 0, int64_t{1} << 20);
  read_images(instance, out);
  out.kernel_cmdline = instance.kernel_cmdline.value_or("");
  check_ports(instance.ports);
  out.ports = instance.ports;
  if (instance.power != "running" && instance.power != "stopped") {
    throw std::invalid_argument("power '" + instance.power + "' is neither running nor stopped");
  }
  out.running = instance.power == "running";
  out.reboot_count = in_range<int64_t>(instance.reboot_count, "reboot_count", 0, INT64_MAX);
  out.hard_reboot = instance.reboot_type == "HARD";
  out.start_count = in_range<int64_t>(instance.start_count, "start_count", 0, INT64_MAX);
  return out;
}

std::map<std::string, DesiredInstance> desired_instances(
    const std::map<std::string, model::Instance>& table,
    std::map<std::string, std::string>* invalid) {
  std::map<std::string, DesiredInstance> out;
  for (const auto& [id, instance] : table) {
    try {
      out.emplace(id, DesiredInstance::from_model(instance));
    } catch (const std::invalid_argument& e) {
      if (invalid != nullptr) {
        (*invalid)[id] = e.what();
      }
    }
  }
  return out;
}

}  // namespace neutrino::agent
