#include "dataplane/pipeline/port_security.hpp"

#include <algorithm>
#include <initializer_list>
#include <string>
#include <vector>

#include "dataplane/pipeline/address.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using T = IntegrationTables;
constexpr std::uint16_t kNeverFromGuest = 120;  // router advertisements, redirects
constexpr std::uint16_t kNeighbourDiscovery = 110;
constexpr std::uint16_t kBadNeighbourDiscovery = 105;
constexpr std::uint16_t kAllowed = 100;
const std::string kNoLinkLayerOption = "00:00:00:00:00:00";  // how OVS reads its absence

class PortFlows {
 public:
  PortFlows(const LocalPort& port, std::uint64_t cookie, FlowSet& flows)
      : port_(port), cookie_(cookie), flows_(flows) {}

  // Lets the frame on when it comes from the port, with the port's MAC, and matches `fields`.
  void allow(std::uint16_t priority, std::initializer_list<std::string> fields) {
    allow_from(port_.mac, priority, fields);
  }
  // The same from another MAC the port may use (an allowed address pair's).
  void allow_from(const std::string& mac, std::uint16_t priority,
                  std::initializer_list<std::string> fields) {
    FlowText flow = from_port(priority);
    flow.match("dl_src=" + mac);
    for (const auto& field : fields) {
      flow.match(field);
    }
    flows_.add(flow.action("goto_table:" + std::to_string(T::kArpResponder)));
  }
  // Drops, whatever the source MAC, ahead of allow() flows that would let it through.
  void deny(std::uint16_t priority, std::initializer_list<std::string> fields) {
    FlowText flow = from_port(priority);
    for (const auto& field : fields) {
      flow.match(field);
    }
    flows_.add(flow);
  }

 private:
  FlowText from_port(std::uint16_t priority) const {
    FlowText flow(cookie_, T::kPortSecurity, priority);
    flow.match("in_port=" + std::to_string(port_.ofport));
    return flow;
  }

  const LocalPort& port_;
  std::uint64_t cookie_;
  FlowSet& flows_;
};

// The MACs the port may send from: its own, then its pairs' others, each once.
std::vector<std::string> source_macs(const LocalPort& port) {
  std::vector<std::string> macs = {port.mac};
  for (const auto& pair : port.pairs) {
    if (std::find(macs.begin(), macs.end(), pair.mac) == macs.end()) {
      macs.push_back(pair.mac);
    }
  }
  return macs;
}

void ipv4_flows(const LocalPort& port, PortFlows& f) {
  for (const auto& ip : port.ipv4) {
    f.allow(kAllowed, {"ip", "nw_src=" + ip});
    f.allow(kAllowed, {"arp", "arp_spa=" + ip, "arp_sha=" + port.mac});
  }
  // Allowed address pairs: the address (or block) from the pair's MAC, ARP included, so that
  // a VRRP master can announce a virtual IP with gratuitous ARP.
  for (const auto& pair : port.pairs) {
    if (!pair.ipv6) {
      f.allow_from(pair.mac, kAllowed, {"ip", "nw_src=" + pair.ip});
      f.allow_from(pair.mac, kAllowed, {"arp", "arp_spa=" + pair.ip, "arp_sha=" + pair.mac});
    }
  }
  for (const auto& mac : source_macs(port)) {
    if (mac != port.mac) {
      f.allow_from(mac, kAllowed, {"arp", "arp_op=1", "arp_spa=0.0.0.0", "arp_sha=" + mac});
    }
  }
  // RFC 5227 probes: a host checking that nobody uses an address before it takes it.
  f.allow(kAllowed, {"arp", "arp_op=1", "arp_spa=0.0.0.0", "arp_sha=" + port.mac});
  // DHCPDISCOVER / DHCPREQUEST before the guest has an address; renewals come from the fixed
  // IP and pass above.
  f.allow(kAllowed, {"udp", "nw_src=0.0.0.0", "nw_dst=255.255.255.255", "tp_src=68", "tp_dst=67"});
}

// The IPv6 addresses (and blocks) the port may use with `mac`: with its own MAC its link-local
// and fixed addresses, with any MAC that MAC's link-local, plus the pairs on that MAC.
std::vector<std::string> ipv6_sources(const LocalPort& port, const std::string& mac) {
  std::vector<std::string> own = {ipv6_link_local(mac)};
  if (mac == port.mac) {
    own.insert(own.end(), port.ipv6.begin(), port.ipv6.end());
  }
  for (const auto& pair : port.pairs) {
    if (pair.ipv6 && pair.mac == mac && std::find(own.begin(), own.end(), pair.ip) == own.end()) {
      own.push_back(pair.ip);
    }
  }
  return own;
}

void ipv6_flows(const LocalPort& port, PortFlows& f) {
  f.deny(kNeverFromGuest, {"icmp6", "icmp_type=134"});  // router advertisement
  f.deny(kNeverFromGuest, {"icmp6", "icmp_type=137"});  // redirect
  // Neighbour solicitations and advertisements must be about the port itself: one of its
  // addresses as source and advertised target, its MAC as link-layer option if there is one.
  for (const auto& mac : source_macs(port)) {
    const std::vector<std::string> own = ipv6_sources(port, mac);
    for (const auto& source : own) {
      for (const auto& lla : {mac, kNoLinkLayerOption}) {
        f.allow_from(
            mac, kNeighbourDiscovery,
            {"icmp6", "ipv6_src=" + source, "icmp_type=135", "icmp_code=0", "nd_sll=" + lla});
        for (const auto& target : own) {
          f.allow_from(mac, kNeighbourDiscovery,
                       {"icmp6", "ipv6_src=" + source, "icmp_type=136", "icmp_code=0",
                        "nd_target=" + target, "nd_tll=" + lla});
        }
      }
      f.allow_from(mac, kAllowed, {"ipv6", "ipv6_src=" + source});
    }
  }
  f.deny(kBadNeighbourDiscovery, {"icmp6", "icmp_type=135"});
  f.deny(kBadNeighbourDiscovery, {"icmp6", "icmp_type=136"});
  // Before it has an address: duplicate address detection (a solicitation without link-layer
  // option, the MLDv2 report joining the solicited-node group) and router solicitations.
  f.allow(kNeighbourDiscovery,
          {"icmp6", "ipv6_src=::", "icmp_type=135", "icmp_code=0", "nd_sll=" + kNoLinkLayerOption});
  f.allow(kNeighbourDiscovery, {"icmp6", "ipv6_src=::", "icmp_type=143"});
  f.allow(kNeighbourDiscovery, {"icmp6", "ipv6_src=::", "icmp_type=133"});
}

}  // namespace

void add_port_security_flows(const LocalPort& port, std::uint64_t cookie, FlowSet& flows) {
  PortFlows f(port, cookie, flows);
  ipv4_flows(port, f);
  ipv6_flows(port, f);
}

}  // namespace neutrino::dataplane::pipeline
