#include "agent/netlink/ethtool.hpp"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

#include "agent/netlink/namespace_exec.hpp"

namespace neutrino::agent::netlink {
namespace {

void set_tx_checksum(const std::string& device, bool on) {
  const int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    throw std::system_error(errno, std::generic_category(), "socket for ethtool");
  }
  ethtool_value value{};
  value.cmd = ETHTOOL_STXCSUM;
  value.data = on ? 1 : 0;
  ifreq request{};
  std::strncpy(request.ifr_name, device.c_str(), IFNAMSIZ - 1);
  request.ifr_data = reinterpret_cast<char*>(&value);
  const int rc = ioctl(fd, SIOCETHTOOL, &request);
  const int error = errno;
  close(fd);
  if (rc != 0) {
    throw std::system_error(error, std::generic_category(),
                            "ethtool -K " + device + " tx " + (on ? "on" : "off"));
  }
}

}  // namespace

void disable_tx_checksum(const std::string& ns, const std::string& device) {
  if (ns.empty()) {
    set_tx_checksum(device, false);
    return;
  }
  run_in(ns, [&] { set_tx_checksum(device, false); });
}

}  // namespace neutrino::agent::netlink
