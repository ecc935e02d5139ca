#include "agent/compute/host_capacity.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace neutrino::agent {
namespace {

int64_t memory_mb_of_host() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit) {
    if (key == "MemTotal:") {
      return kib / 1024;
    }
  }
  return 0;
}

int64_t disk_gb_of(const std::string& path) {
  std::error_code ec;
  std::filesystem::path existing = path;
  while (!existing.empty() && !std::filesystem::exists(existing, ec)) {
    existing = existing.parent_path();
  }
  struct statvfs fs {};
  if (::statvfs(existing.empty() ? "/" : existing.c_str(), &fs) != 0) {
    return 0;
  }
  return static_cast<int64_t>(fs.f_blocks) * static_cast<int64_t>(fs.f_frsize) >> 30;
}

}  // namespace

HostCapacity measure_host_capacity(const std::string& instances_path, int64_t vcpus,
                                   int64_t memory_mb, int64_t disk_gb) {
  HostCapacity out;
  out.vcpus = vcpus >= 0 ? vcpus : static_cast<int64_t>(::sysconf(_SC_NPROCESSORS_ONLN));
  out.memory_mb = memory_mb >= 0 ? memory_mb : memory_mb_of_host();
  out.disk_gb = disk_gb >= 0 ? disk_gb : disk_gb_of(instances_path);
  return out;
}

}  // namespace neutrino::agent
