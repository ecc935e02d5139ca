#include "dataplane/pipeline/pair_macs.hpp"

#include <set>

namespace neutrino::dataplane::pipeline {

PairMacHolders unique_pair_macs(const LocalNetwork& network) {
  std::set<std::string> own;
  for (const auto& port : network.ports) {
    own.insert(port.mac);
  }
  for (const auto& remote : network.remotes) {
    own.insert(remote.mac);
  }
  std::map<std::string, int> holders;
  PairMacHolders out;
  for (const auto& port : network.ports) {
    std::set<std::string> macs;
    for (const auto& pair : port.pairs) {
      if (!own.contains(pair.mac) && macs.insert(pair.mac).second) {
        ++holders[pair.mac];
        out.local[pair.mac] = &port;
      }
    }
  }
  for (const auto& remote : network.remotes) {
    for (const auto& mac : remote.pair_macs) {
      if (!own.contains(mac)) {
        ++holders[mac];
        out.remote[mac] = &remote;
      }
    }
  }
  for (const auto& [mac, count] : holders) {
    if (count > 1) {
      out.local.erase(mac);
      out.remote.erase(mac);
    }
  }
  return out;
}

}  // namespace neutrino::dataplane::pipeline
