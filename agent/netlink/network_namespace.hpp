#pragma once
// Named network namespaces, stored exactly as iproute2 stores them: a file /run/netns/NAME on
// which the namespace (nsfs) is bind-mounted, /run/netns being a shared mount point. So
// `ip netns list`, `ip netns exec` and `ip -n` see what the agent creates, and the agent adopts
// what an operator created by hand.
//
// A namespace lives as long as something refers to it: the bind mount, an open handle
// (NetworkNamespace, LinkManager), a socket created inside it, or a process in it. remove()
// drops only the name; the kernel tears the namespace (and its veths and taps) down once the
// last reference is gone.
#include <string>
#include <vector>

#include "agent/netlink/unique_fd.hpp"

namespace neutrino::agent::netlink {

class NetworkNamespace {
 public:
  static constexpr const char* kRunDir = "/run/netns";

  // Creates the namespace; throws std::system_error if it already exists. Its loopback starts
  // down, as with `ip netns add`.
  static NetworkNamespace create(const std::string& name);
  // Opens an existing namespace; throws std::system_error if there is none.
  static NetworkNamespace open(const std::string& name);
  // Removes the name (unmount + unlink). False if there was nothing to remove.
  static bool remove(const std::string& name);
  // True when /run/netns/NAME is a mounted namespace (a stale plain file does not count).
  static bool exists(const std::string& name);
  // Every name in /run/netns, sorted, as `ip netns list` shows them.
  static std::vector<std::string> list();
  static std::string path(const std::string& name);

  const std::string& name() const { return name_; }
  // An O_RDONLY descriptor of the namespace, usable with setns() and IFLA_NET_NS_FD.
  int fd() const { return fd_.get(); }

 private:
  NetworkNamespace(std::string name, UniqueFd fd) : name_(std::move(name)), fd_(std::move(fd)) {}

  std::string name_;
  UniqueFd fd_;
};

}  // namespace neutrino::agent::netlink
