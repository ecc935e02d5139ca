#include "pktbench/dpdk_eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <sched.h>
#include <unistd.h>

#include <stdexcept>

namespace neutrino::pktbench {
namespace {

std::string allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return "0";
  std::string list;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (!CPU_ISSET(cpu, &set))
      continue;
    if (!list.empty())
      list += ",";
    list += std::to_string(cpu);
  }
  return list.empty() ? "0" : list;
}

}  // namespace

std::vector<std::string> eal_arguments(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = {"neutrino-pktbench",
                                   "--no-huge",
                                   "-m",
                                   "256",
                                   "--no-pci",
                                   "--no-shconf",
                                   "--no-telemetry",
                                   "--lcores=0@(" + allowed_cpus() + ")",
                                   "--log-level=*:warning",
                                   "--file-prefix=neutrino-pktbench-" + std::to_string(getpid())};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  return args;
}

DpdkEal::DpdkEal(const std::vector<std::string>& extra_args) {
  std::vector<std::string> args = eal_arguments(extra_args);
  std::vector<char*> argv;
  for (auto& a : args)
    argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(args.size()), argv.data()) < 0) {
    throw std::runtime_error(std::string("DPDK EAL init failed: ") + rte_strerror(rte_errno));
  }
}

DpdkEal::~DpdkEal() {
  // Even with --no-shconf the EAL makes its runtime directory (named by our --file-prefix);
  // it is empty, and removed so repeated runs leave nothing behind.
  const std::string runtime_dir = rte_eal_get_runtime_dir();
  rte_eal_cleanup();
  rmdir(runtime_dir.c_str());
}

}  // namespace neutrino::pktbench
