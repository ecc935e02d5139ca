#pragma once
// DPDK's environment for the benchmark: no hugepages (--no-huge), no PCI scan, nothing shared
// with other DPDK processes (--no-shconf, a file prefix of our own), one lcore allowed on every
// CPU this process may use rather than pinned to CPU 0 (the machine is shared).

#include <string>
#include <vector>

namespace neutrino::pktbench {

class DpdkEal {
 public:
  // extra_args are appended to the EAL command line (--eal-args); throws on failure.
  explicit DpdkEal(const std::vector<std::string>& extra_args);
  ~DpdkEal();
  DpdkEal(const DpdkEal&) = delete;
  DpdkEal& operator=(const DpdkEal&) = delete;
};

// The EAL arguments DpdkEal passes (exposed for --help and the log).
std::vector<std::string> eal_arguments(const std::vector<std::string>& extra_args);

}  // namespace neutrino::pktbench
