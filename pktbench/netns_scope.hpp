#pragma once
// Runs a block of code in another network namespace: the DPDK af_packet and af_xdp drivers
// open their sockets (and look up the interface) in the namespace of the calling thread, so
// one process can hold a port in each guest's namespace.

#include <string>

namespace neutrino::pktbench {

// "" (stay), a name under /run/netns, or a path to a namespace file (/proc/<pid>/ns/net,
// /proc/<pid>/root/run/netns/<name> for a namespace inside another mount namespace).
std::string netns_path(const std::string& netns);

class NetnsScope {
 public:
  explicit NetnsScope(const std::string& netns);  // throws std::system_error
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int original_ = -1;
};

}  // namespace neutrino::pktbench
