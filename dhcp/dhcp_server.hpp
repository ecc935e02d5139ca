#pragma once
// The DHCPv4 server of one network: datagrams in, replies out, no sockets, no clock, no
// lease database. Every port has a fixed IP, so the decision for a packet depends only on
// the configuration; an agent restart loses nothing, and one agent thread can serve every
// qdhcp namespace by feeding each namespace's socket to that network's DhcpServer.
#include <chrono>
#include <cstdint>
#include <optional>
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

  using TimePoint = std::chrono::steady_clock::time_point;

  // One UDP payload received on port 67 of this network's namespace, from the Ethernet
  // address `sender`, at `now`. Admission comes first, before any parsing: a port over its
  // rate, or senders that are no port over their shared budget, have the datagram dropped
  // (config.rate_limits). A request whose chaddr is not its sender is ignored. Never throws
  // for any input (allocation failure aside).
  DhcpOutcome handle(std::span<const uint8_t> datagram, const MacAddress& sender, TimePoint now);
  // The same without knowing the sender: no admission control, any chaddr (tests, fuzzer).
  DhcpOutcome handle(std::span<const uint8_t> datagram);

  const DhcpCounters& counters() const { return counters_; }

 private:
  struct HostEntry {
    Ipv4Address ip;
    std::string host_name;
    DhcpOptions extra_options;
    Ipv4Address next_server;
    // Index into profiles_ of the subnet holding ip; -1 when none does.
    int subnet = -1;
  };

  HostEntry make_entry(const DhcpHost& host) const;
  // Takes a token from the sender's bucket; false (and counted) when there is none.
  bool admit(const MacAddress& sender, TimePoint now, DhcpOutcome& dropped);
  DhcpOutcome serve(std::span<const uint8_t> datagram, const MacAddress* sender);
  bool is_our_address(Ipv4Address address) const;
  DhcpOutcome on_discover(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_request(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_inform(const DhcpPacket& request, const HostEntry& host);
  DhcpOutcome on_release_or_decline(const DhcpPacket& request, MessageType type);
  DhcpOutcome nak(const DhcpPacket& request, const HostEntry& host, Ipv4Address asked);
  DhcpOutcome ignored(DhcpOutcome outcome);
  // A reply to `request` with `options`, addressed per RFC 2131 section 4.1.
  DhcpReply make_reply(const DhcpPacket& request, Ipv4Address yiaddr, Ipv4Address ciaddr,
                       DhcpOptions options, Ipv4Address server_address,
                       Ipv4Address next_server = Ipv4Address()) const;

  DhcpServerConfig config_;
  std::vector<SubnetProfile> profiles_;
  std::unordered_map<MacAddress, HostEntry> hosts_;
  // Buckets of the ports that sent something; only hosts_ get one, so they are bounded.
  std::unordered_map<MacAddress, TokenBucket> port_buckets_;
  std::optional<TokenBucket> unknown_bucket_;
  DhcpCounters counters_;
};

}  // namespace neutrino::dhcp
