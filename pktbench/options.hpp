#pragma once
// The command line of `neutrino-pktbench run`.

#include <cstdint>
#include <string>
#include <vector>

#include "pktbench/frame.hpp"
#include "pktbench/frame_sizes.hpp"
#include "pktbench/rate_search.hpp"

namespace neutrino::pktbench {

struct RunOptions {
  std::string tx, rx;  // IFACE[@NETNS]
  std::string driver = "af_packet";
  FlowAddresses flow;  // zero MACs: the ports' own
  std::vector<FrameSizes> sizes;
  bool search = true;  // false: one trial per size at `rate_pps`
  double rate_pps = 0;
  double duration_s = 2.0;
  std::uint64_t count = 0;
  SearchOptions search_options;
  std::vector<std::string> eal_args;
};

// Throws std::invalid_argument naming the bad option.
RunOptions parse_run_options(const std::vector<std::string>& args);

extern const char* const kUsage;

}  // namespace neutrino::pktbench
