#pragma once
// Per-server packet counters, for the agent's status and logs. Every received datagram is
// counted once in `received` and once in exactly one outcome below (answers are split into
// offers, acks, naks and informs; `answered` is their sum; dropped datagrams are
// `rate_limited` or `over_unknown_budget`).
#include <cstdint>

namespace neutrino::dhcp {

struct DhcpCounters {
  uint64_t received = 0;
  uint64_t answered = 0;
  uint64_t offers = 0;
  uint64_t acks = 0;
  uint64_t naks = 0;
  // DHCPACKs to DHCPINFORM.
  uint64_t informs = 0;
  uint64_t releases = 0;
  uint64_t declines = 0;
  // From a MAC that is no port of the network.
  uint64_t ignored_unknown = 0;
  // Well formed but not for this server: a BOOTREPLY, a non-Ethernet chaddr, a chaddr that
  // is not the Ethernet sender, a relayed request (giaddr set: the server only serves its own
  // link), a REQUEST naming another server, a port whose fixed IP is in no DHCP subnet, an
  // unhandled type.
  uint64_t ignored_other = 0;
  uint64_t malformed = 0;
  // Dropped unparsed: the sending port was over its rate (DhcpRateLimits::per_port).
  uint64_t rate_limited = 0;
  // Dropped unparsed: the sender is no port and the budget they share was spent.
  uint64_t over_unknown_budget = 0;

  friend bool operator==(const DhcpCounters&, const DhcpCounters&) = default;
};

}  // namespace neutrino::dhcp
