#pragma once
// What one network's DHCP server knows: its own addresses, the subnets with DHCP enabled and
// the ports (MAC -> fixed IP). The agent builds it from the desired state the controller
// pushes; DhcpServer::reconfigure() swaps it whole, so a fixed IP change takes effect on the
// next REQUEST.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/token_bucket.hpp"
#include "dhcp/dhcp_constants.hpp"
#include "dhcp/dhcp_options.hpp"
#include "dhcp/ipv4_address.hpp"
#include "dhcp/ipv4_cidr.hpp"
#include "dhcp/mac_address.hpp"
#include "dhcp/static_route.hpp"

namespace neutrino::dhcp {

struct DhcpSubnet {
  Ipv4Cidr cidr;
  // Option 3, and the default route inside option 121. None: both omitted.
  std::optional<Ipv4Address> gateway;
  // Option 6, omitted when empty (Neutron's dns_nameservers, after dropping "0.0.0.0").
  std::vector<Ipv4Address> dns_servers;
  // Neutron's host_routes; sent in option 121 ahead of the routes the server adds.
  std::vector<StaticRoute> host_routes;
  // The DHCP port's address in this subnet: the server identifier its clients see (it must
  // be on their link, since they unicast renewals to it) and the next hop to
  // 169.254.169.254. None: the network's server_id.
  std::optional<Ipv4Address> dhcp_address;
};

struct DhcpHost {
  MacAddress mac;
  // The port's fixed IPv4 address; it selects the subnet whose options the host gets.
  Ipv4Address ip;
  // The port's dns_name. Empty: option 12 is "host-<ip with dashes>", as Neutron's dnsmasq
  // configuration names hosts.
  std::string dns_name;
  // The port's extra DHCP options by code, ahead of the subnet's: sent when the client asks
  // for them (or they are forced). An empty value withholds that option.
  DhcpOptions extra_options;
  // The header's siaddr (dnsmasq's "server-ip-address"); zero: none.
  Ipv4Address next_server;
};

// Admission control of DhcpServer::handle(datagram, sender, now), applied before a datagram is
// parsed, by its Ethernet source (which anti-spoofing ties to the sending port): whoever
// floods the server spends its own budget, and every other port keeps its answers.
struct DhcpRateLimits {
  // Each port's. A client needs two packets per exchange and retries about once a second;
  // the burst leaves room for a reboot or several interfaces' clients at once.
  RateLimit per_port{.per_second = 4, .burst = 16};
  // Shared by every sender that is no port of the network (a port without port security may
  // send from any MAC). None of them is ever answered: this only bounds what they cost.
  RateLimit unknown_senders{.per_second = 10, .burst = 20};
};

struct DhcpServerConfig {
  // The DHCP port's address: option 54 for subnets without their own dhcp_address.
  Ipv4Address server_id;
  std::vector<DhcpSubnet> subnets;
  std::vector<DhcpHost> hosts;
  // Option 51; T1 (58) and T2 (59) are 1/2 and 7/8 of it (RFC 2131 section 4.4.5).
  // kInfiniteLease makes all three infinite.
  uint32_t lease_seconds = 86400;
  // The network's MTU for option 26 and the cap on reply size. 0: option 26 omitted.
  uint16_t mtu = 0;
  // Option 15 (Neutron's dns_domain). Empty: omitted.
  std::string domain_name;
  // 169.254.169.254/32 via the DHCP port in option 121, so guests reach the metadata proxy.
  bool metadata_route = true;
  // Options sent even when the client's parameter request list omits them (dnsmasq's
  // dhcp-option-force), for clients that apply an option they never ask for.
  std::vector<uint8_t> forced_options;
  // Broadcast every reply (dnsmasq's dhcp-broadcast), for agents that send with a plain UDP
  // socket and cannot unicast to a client that has no address yet.
  bool always_broadcast = false;
  DhcpRateLimits rate_limits;
};

}  // namespace neutrino::dhcp
