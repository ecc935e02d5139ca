#pragma once
// The DHCPv4 server of one network: datagrams in, replies out, no sockets, no clock, no
// lease database. Every port has a fixed IP, so the decision for a packet depends only on
// the configuration; an agent restart loses nothing, and one agent thread can serve every
// qdhcp namespace by feeding each namespace's socket to that network's DhcpServer.
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "dhcp/dhcp_counters.hpp"
#include "dhcp/dhcp_outcome.hpp"
#include "dhcp/dhcp_packet.hpp"
#include "dhcp/dhcp_server_config.hpp"
#include "dhcp/subnet_profile.hpp"

namespace neutrino::dhcp {

class DhcpServer {
 public:
  explicit DhcpServer(DhcpServerConfig config);

  // Replaces subnets, hosts and settings; counters are kept. A client whose fixed IP changed
  // gets a NAK at its next renewal and the new address when it starts over.
  void reconfigure(DhcpServerConfig config);
  // Adds or replaces one port without rebuilding the subnets.
  void upsert_host(const DhcpHost& host);
  void remove_host(const MacAddress& mac);
  size_t host_count() const { return hosts_.size(); }

  // One UDP payload received on port 67 of this network's namespace. Never throws for any
  // input (allocation failure aside).
  DhcpOutcome handle(std::span<const uint8_t> datagram);

  const DhcpCounters& counters() const { return counters_; }

 private:
  struct HostEntry {
    Ipv4Address ip;
    std::string host_name;
    // Index into profiles_ of the subnet holding ip; -1 when none does.
    int subnet = -1;
  };

  HostEntry make_entry(const DhcpHost& host) const;
  bool is_our_address(Ipv4Address address) const;
  DhcpOutcome on_discover(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_request(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_inform(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_release_or_decline(const DhcpPacket& request, MessageType type);
  DhcpOutcome nak(const DhcpPacket& request, const HostEntry& host, Ipv4Address asked);
  DhcpOutcome ignored(DhcpOutcome outcome);
  // A reply to `request` with `options`, addressed per RFC 2131 section 4.1.
  DhcpReply make_reply(const DhcpPacket& request, Ipv4Address yiaddr, Ipv4Address ciaddr,
                       DhcpOptions options, Ipv4Address server_address) const;

  DhcpServerConfig config_;
  std::vector<SubnetProfile> profiles_;
  std::unordered_map<MacAddress, HostEntry> hosts_;
  DhcpCounters counters_;
};

}  // namespace neutrino::dhcp
