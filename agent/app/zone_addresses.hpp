#pragma once
// Conntrack entries outlive the ports they were about. The addresses of the ports plugged here,
// each in its network's conntrack zone (the lvid), pass after pass: when a port gives up an
// address in a zone (deleted, unplugged, re-addressed, or the address now another port's), the
// next holder must not inherit its connections as established. The agent flushes them before
// it installs the new flows.
#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::agent {

class ZoneAddresses {
 public:
  using Entry = std::pair<std::uint16_t, std::string>;  // zone, address

  // Takes the addresses of `input`'s plugged ports and returns the (zone, address) pairs some
  // port held at the previous call and no longer holds. The first call returns nothing: a restarted
  // agent knows no history, and must not cut the connections that survive it.
  std::vector<Entry> update(const dataplane::pipeline::PipelineInput& input);

 private:
  std::set<std::tuple<std::uint16_t, std::string, std::string>> current_;  // + port id
  bool first_ = true;
};

}  // namespace neutrino::agent
