#pragma once
// The one ethtool setting the agent needs: TX checksum offload off on the namespace side of
// a veth plugged into a userspace (netdev) bridge. Frames leave a veth with checksums still to
// be filled in, which the kernel datapath would do but ovs-vswitchd's netdev datapath does
// not, so TCP to and from the namespace stalls (measured on these machines).
#include <string>

namespace neutrino::agent::netlink {

// Throws std::system_error naming the device when the ioctl fails. `ns` empty: this namespace.
void disable_tx_checksum(const std::string& ns, const std::string& device);

}  // namespace neutrino::agent::netlink
