#pragma once
// The resources this host offers guests (contract §1): online CPUs, RAM from /proc/meminfo
// and the size of the file system holding the instances, each replaceable by an operator's
// (or a simulated host's) figure.
#include <cstdint>
#include <string>

namespace neutrino::agent {

struct HostCapacity {
  int64_t vcpus = 0;
  int64_t memory_mb = 0;
  int64_t disk_gb = 0;
};

// Overrides below 0 mean "measure it".
HostCapacity measure_host_capacity(const std::string& instances_path, int64_t vcpus,
                                   int64_t memory_mb, int64_t disk_gb);

}  // namespace neutrino::agent
