// neutrino-compute-cli: one compute driver operation per run, printing JSON.
//
//   neutrino-compute-cli kvm-probe          (no libvirt: can /dev/kvm run guests at speed?)
//   (--virt-type auto|kvm|qemu before the command: the domain type, as the agent's flag)
//   neutrino-compute-cli [--uri URI] info
//   neutrino-compute-cli [--uri URI] spawn --instances DIR --uuid U --name instance-0000000a
//       --image FILE [--format raw|qcow2] [--kernel FILE [--ramdisk FILE] [--cmdline S]]
//       [--memory-mb 64] [--vcpus 1] [--root-gb 0] [--port ID,MAC,MTU]...
//   neutrino-compute-cli [--uri URI] resume|power-on|state|console NAME
//   neutrino-compute-cli [--uri URI] power-off NAME [--timeout S]
//   neutrino-compute-cli [--uri URI] reboot NAME [--hard]
//   neutrino-compute-cli [--uri URI] destroy NAME [--instances DIR --uuid U]
//   neutrino-compute-cli [--uri URI] list
//   neutrino-compute-cli [--uri URI] watch NAME --seconds S   (a line per event and state)
//
// spawn runs the agent's own spawn (images into <instances>/_base, the instance directory,
// the domain defined and started paused), with images read from local files.
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "agent/compute/instance_actions.hpp"
#include "compute/libvirt/kvm_probe.hpp"
#include "compute/libvirt/libvirt_driver.hpp"

namespace {

using namespace neutrino;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw std::runtime_error("cannot read " + path);
  }
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), out, &size, md, nullptr);
  std::string hex;
  char two[3];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(two, sizeof two, "%02x", out[i]);
    hex += two;
  }
  return hex;
}

// Serves local files as images, by id = path.
class LocalFiles : public compute::ImageSource {
 public:
  void fetch(const compute::ImageMeta& image, const Sink& sink) override {
    sink(read_file(image.id));
  }
  static compute::ImageMeta meta(const std::string& path, const std::string& format) {
    const std::string bytes = read_file(path);
    compute::ImageMeta m;
    m.id = path;
    m.disk_format = format;
    m.size = static_cast<int64_t>(bytes.size());
    m.checksum = digest(EVP_md5(), bytes);
    m.os_hash_algo = "sha512";
    m.os_hash_value = digest(EVP_sha512(), bytes);
    return m;
  }
};

struct Args {
  std::string command;
  std::string name;
  std::multimap<std::string, std::string> options;
  std::string get(const std::string& key, const std::string& fallback = "") const {
    const auto it = options.find(key);
    return it == options.end() ? fallback : it->second;
  }
};

Args parse(int argc, char** argv, std::string& uri, std::string& virt_type) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--hard") {
      args.options.emplace("--hard", "1");
    } else if (arg.rfind("--", 0) == 0 && i + 1 < argc) {
      if (arg == "--uri") {
        uri = argv[++i];
      } else if (arg == "--virt-type") {
        virt_type = argv[++i];
      } else {
        args.options.emplace(arg, argv[++i]);
      }
    } else if (args.command.empty()) {
      args.command = arg;
    } else {
      args.name = arg;
    }
  }
  return args;
}

agent::DesiredInstance instance_of(const Args& args) {
  agent::DesiredInstance d;
  d.id = args.get("--uuid");
  d.name = args.get("--name");
  d.hostname = args.get("--hostname", "guest");
  d.memory_mb = std::stoll(args.get("--memory-mb", "64"));
  d.vcpus = std::stoi(args.get("--vcpus", "1"));
  d.root_gb = std::stoll(args.get("--root-gb", "0"));
  d.image = LocalFiles::meta(args.get("--image"), args.get("--format", "raw"));
  if (!args.get("--kernel").empty()) {
    d.kernel = LocalFiles::meta(args.get("--kernel"), "aki");
  }
  if (!args.get("--ramdisk").empty()) {
    d.ramdisk = LocalFiles::meta(args.get("--ramdisk"), "ari");
  }
  d.kernel_cmdline = args.get("--cmdline");
  const auto [from, to] = args.options.equal_range("--port");
  for (auto it = from; it != to; ++it) {
    std::stringstream in(it->second);
    model::InstancePort port;
    std::string mtu;
    std::getline(in, port.id, ',');
    std::getline(in, port.mac_address, ',');
    std::getline(in, mtu, ',');
    port.mtu = mtu.empty() ? 0 : std::stoi(mtu);
    d.ports.push_back(port);
  }
  return d;
}

Json status_json(const compute::DomainStatus& s) {
  return {{"name", s.name},
          {"uuid", s.uuid},
          {"power_state", compute::to_string(s.power)},
          {"vcpus", s.vcpus},
          {"memory_mb", s.memory_mb}};
}

void watch(compute::LibvirtDriver& driver, const std::string& name, int seconds) {
  std::mutex mutex;
  driver.set_change_listener([&](const std::string& what) {
    std::lock_guard lock(mutex);
    std::cout << Json{{"event", what.empty() ? "reconnected" : what}}.dump() << std::endl;
  });
  std::string last;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string now;
    try {
      const auto status = driver.domain(name);
      now = status ? compute::to_string(status->power) : "absent";
    } catch (const std::exception& e) {
      now = std::string("error: ") + e.what();
    }
    if (now != last) {
      std::lock_guard lock(mutex);
      std::cout << Json{{"state", now}}.dump() << std::endl;
      last = now;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  driver.set_change_listener(nullptr);
}

}  // namespace

int main(int argc, char** argv) {
  std::string uri = "qemu:///system";
  std::string virt_type = "auto";
  const Args args = parse(argc, argv, uri, virt_type);
  if (args.command == "kvm-probe") {
    const auto started = std::chrono::steady_clock::now();
    const std::string why_not = compute::kvm_device_unusable_reason();
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    std::cout << Json{{"usable", why_not.empty()}, {"reason", why_not}, {"us", us}}.dump()
              << std::endl;
    return 0;
  }
  try {
    compute::LibvirtDriver driver({uri, virt_type});
    const auto started = std::chrono::steady_clock::now();
    Json out = Json::object();
    if (args.command == "info") {
      const auto info = driver.hypervisor_info();
      out = {{"hypervisor_type", info.hypervisor_type},
             {"hypervisor_version", info.hypervisor_version},
             {"virt_type", info.virt_type}};
    } else if (args.command == "spawn") {
      LocalFiles files;
      compute::ImageCache cache(args.get("--instances"), files);
      compute::InstanceFiles instance_files(args.get("--instances"));
      agent::ComputeContext context{driver, cache, instance_files};
      agent::spawn_instance(context, instance_of(args));
    } else if (args.command == "resume") {
      driver.resume(args.name);
    } else if (args.command == "power-on") {
      driver.power_on(args.name);
    } else if (args.command == "power-off") {
      driver.power_off(args.name, std::chrono::seconds(std::stoi(args.get("--timeout", "0"))));
    } else if (args.command == "reboot") {
      driver.reboot(args.name, args.options.contains("--hard") ? compute::RebootKind::kHard
                                                               : compute::RebootKind::kSoft);
    } else if (args.command == "destroy") {
      driver.destroy(args.name);
      if (!args.get("--uuid").empty()) {
        compute::InstanceFiles(args.get("--instances")).remove(args.get("--uuid"));
      }
    } else if (args.command == "state") {
      const auto status = driver.domain(args.name);
      out = status ? status_json(*status) : Json{{"power_state", "absent"}};
    } else if (args.command == "list") {
      out = Json::array();
      for (const auto& s : driver.list_domains()) {
        out.push_back(status_json(s));
      }
    } else if (args.command == "console") {
      out = {{"output", driver.console_output(args.name, 1 << 20)}};
    } else if (args.command == "watch") {
      watch(driver, args.name, std::stoi(args.get("--seconds", "10")));
      return 0;
    } else {
      std::fprintf(stderr, "unknown command '%s' (see the comment in compute_cli.cpp)\n",
                   args.command.c_str());
      return 2;
    }
    if (out.is_object()) {
      out["ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
    }
    std::cout << out.dump(-1, ' ', false, Json::error_handler_t::replace) << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "neutrino-compute-cli: " << e.what() << std::endl;
    return 1;
  }
}
