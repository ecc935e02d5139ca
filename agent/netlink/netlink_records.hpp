#pragma once
// What LinkManager reads back from the kernel, in the forms the reconciler compares with
// desired state: names, CIDR strings, lower-case MAC strings.
#include <net/if.h>

#include <string>

namespace neutrino::agent::netlink {

struct LinkInfo {
  int ifindex = 0;
  std::string name;
  std::string kind;  // rtnl_link kind: "veth", "tun", ... ; empty for loopback / physical
  unsigned mtu = 0;
  std::string mac;     // "aa:bb:cc:dd:ee:ff"; empty when the link has no L2 address
  unsigned flags = 0;  // IFF_*
  // RFC 2863 state as `ip link` shows it, lower case: "up", "down", "lowerlayerdown",
  // "unknown" (loopback, taps without a reader)... Traffic flows once a veth is "up"; right
  // after set_up() the kernel may still drop the first packets.
  std::string operstate;

  bool up() const { return (flags & IFF_UP) != 0; }
};

struct AddressInfo {
  int ifindex = 0;
  std::string device;
  int family = 0;    // AF_INET or AF_INET6
  std::string cidr;  // "10.0.0.2/24", "fd00::2/64"
};

// A route in the main table. `destination` is "default" or a CIDR; `gateway` is empty for an
// on-link route; `device` is empty when the kernel picks the interface from the gateway.
struct RouteInfo {
  std::string destination;
  std::string gateway;
  std::string device;

  bool operator==(const RouteInfo&) const = default;
};

}  // namespace neutrino::agent::netlink
