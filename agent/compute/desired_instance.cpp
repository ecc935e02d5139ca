#include "agent/compute/desired_instance.hpp"

#include <regex>

#include "compute/instance/instance_files.hpp"

namespace neutrino::agent {
namespace {

template <typename T>
T number(const Json& object, const char* key, T fallback, T low, T high) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) {
    return fallback;
  }
  if (!it->is_number_integer()) {
    throw std::invalid_argument(std::string(key) + " is not an integer");
  }
  const auto value = it->get<int64_t>();
  if (value < low || value > high) {
    throw std::invalid_argument(std::string(key) + " is out of range");
  }
  return static_cast<T>(value);
}

std::string text(const Json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace

DesiredInstance DesiredInstance::from_json(const Json& object) {
  if (!object.is_object()) {
    throw std::invalid_argument("not an object");
  }
  DesiredInstance out;
  out.id = text(object, "id");
  if (!compute::looks_like_uuid(out.id)) {
    throw std::invalid_argument("id is not a uuid");
  }
  out.name = text(object, "name");
  static const std::regex domain_name("instance-[0-9a-f]{8,}");
  if (!std::regex_match(out.name, domain_name)) {
    throw std::invalid_argument("name '" + out.name + "' is not instance-%08x");
  }
  out.hostname = text(object, "hostname");
  out.vcpus = number<int>(object, "vcpus", 1, 1, 1024);
  out.memory_mb = number<int64_t>(object, "memory_mb", 64, 16, int64_t{1} << 24);
  out.root_gb = number<int64_t>(object, "root_gb", 0, 0, int64_t{1} << 20);
  try {
    out.image = compute::ImageMeta::from_json(object.value("image", Json()));
    out.kernel = compute::ImageMeta::optional_from_json(object.value("kernel", Json()));
    out.ramdisk = compute::ImageMeta::optional_from_json(object.value("ramdisk", Json()));
  } catch (const compute::ImageError& e) {
    throw std::invalid_argument(e.what());
  }
  out.kernel_cmdline = text(object, "kernel_cmdline");
  for (const auto& port : object.value("ports", Json::array())) {
    InstancePort p;
    p.id = text(port, "id");
    p.mac_address = text(port, "mac_address");
    p.network_id = text(port, "network_id");
    p.mtu = number<int>(port, "mtu", 0, 0, 65535);
    if (p.id.empty() || p.mac_address.empty()) {
      throw std::invalid_argument("a port without id or mac_address");
    }
    out.ports.push_back(std::move(p));
  }
  const std::string power = object.value("power", "running");
  if (power != "running" && power != "stopped") {
    throw std::invalid_argument("power '" + power + "' is neither running nor stopped");
  }
  out.running = power == "running";
  out.reboot_count = number<int64_t>(object, "reboot_count", 0, 0, INT64_MAX);
  out.hard_reboot = text(object, "reboot_type") == "HARD";
  out.start_count = number<int64_t>(object, "start_count", 0, 0, INT64_MAX);
  return out;
}

std::map<std::string, DesiredInstance> desired_instances(
    const channel::HostState& state, std::map<std::string, std::string>* invalid) {
  std::map<std::string, DesiredInstance> out;
  const std::string prefix = "instance:";
  for (auto it = state.lower_bound(prefix); it != state.end() && it->first.rfind(prefix, 0) == 0;
       ++it) {
    try {
      DesiredInstance instance = DesiredInstance::from_json(it->second);
      out.emplace(instance.id, std::move(instance));
    } catch (const std::invalid_argument& e) {
      if (invalid != nullptr) {
        (*invalid)[it->first.substr(prefix.size())] = e.what();
      }
    }
  }
  return out;
}

}  // namespace neutrino::agent
