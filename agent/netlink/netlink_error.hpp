#pragma once
// A failed netlink (or tun ioctl) operation. The message names the operation, the interface and
// the namespace, then the kernel's reason, so an agent log line is enough to act on:
//   "set_mtu tap1234 (netns qdhcp-...): Invalid input data or parameter".
#include <stdexcept>
#include <string>

namespace neutrino::agent::netlink {

class NetlinkError : public std::runtime_error {
 public:
  // `code` is the libnl error code (NLE_*, positive), or 0 when the failure was an errno.
  NetlinkError(const std::string& message, int code) : std::runtime_error(message), code_(code) {}

  int code() const { return code_; }

 private:
  int code_;
};

}  // namespace neutrino::agent::netlink
