#include "agent/compute/host_usage.hpp"

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <filesystem>

namespace neutrino::agent {
namespace {

constexpr int64_t kGiB = int64_t{1} << 30;

// Bytes allocated to the files below `root` (st_blocks: a sparse file or a qcow2 overlay
// counts what it holds, not its size).
int64_t allocated_bytes(const std::string& root) {
  namespace fs = std::filesystem;
  int64_t total = 0;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec),
       end;
       !ec && it != end; it.increment(ec)) {
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      total += static_cast<int64_t>(st.st_blocks) * 512;
    }
  }
  return total;
}

}  // namespace

Json HostUsage::to_json() const {
  return {{"vcpus", vcpus},         {"memory_mb", memory_mb},
          {"disk_gb", disk_gb},     {"disk_available_gb", disk_available_gb},
          {"instances", instances}, {"running", running}};
}

HostUsage usage_of_domains(const std::vector<compute::DomainStatus>& domains) {
  HostUsage usage;
  for (const auto& domain : domains) {
    ++usage.instances;
    if (domain.power == compute::PowerState::kRunning ||
        domain.power == compute::PowerState::kPaused) {
      ++usage.running;
      usage.vcpus += domain.vcpus;
      usage.memory_mb += domain.memory_mb;
    }
  }
  return usage;
}

HostUsage measure_host_usage(const std::vector<compute::DomainStatus>& domains,
                             const std::string& instances_path) {
  HostUsage usage = usage_of_domains(domains);
  usage.disk_gb = (allocated_bytes(instances_path) + kGiB - 1) / kGiB;
  struct statvfs fs {};
  if (::statvfs(instances_path.c_str(), &fs) == 0) {
    usage.disk_available_gb =
        static_cast<int64_t>(fs.f_bavail) * static_cast<int64_t>(fs.f_frsize) / kGiB;
  }
  return usage;
}

}  // namespace neutrino::agent
