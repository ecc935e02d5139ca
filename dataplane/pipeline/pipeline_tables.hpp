#pragma once
// Table numbers and registers of the pipeline (docs/pipeline.md describes each table). Gaps
// leave room for tables to come (conntrack-based security groups) without renumbering, since
// goto_table may only jump forward.
#include <cstdint>

namespace neutrino::dataplane::pipeline {

struct IntegrationTables {
  static constexpr std::uint8_t kClassify = 0;
  static constexpr std::uint8_t kPortSecurity = 10;
  static constexpr std::uint8_t kArpResponder = 20;
  // Security groups (docs/pipeline.md): conntrack lookup, then the rules, on the way out of
  // a port and on the way into one (once forwarding has chosen it).
  static constexpr std::uint8_t kEgressConntrack = 30;
  static constexpr std::uint8_t kEgressRules = 31;
  static constexpr std::uint8_t kForwarding = 40;
  // Source NAT on a router's gateway host (docs/pipeline.md): after conntrack in the router's
  // zone, replies from outside into the router's networks, and packets out to the external
  // network. Reached by ct(table=...) recirculation, which may go back.
  static constexpr std::uint8_t kSourceNatIn = 43;
  static constexpr std::uint8_t kSourceNatOut = 44;
  // East-west routing (docs/pipeline.md): forwarding hands it what a local port sends to a
  // router interface's MAC; it outputs to the destination port itself, since goto_table cannot
  // go back to kForwarding.
  static constexpr std::uint8_t kRouting = 45;
  // Floating IPs (docs/pipeline.md): after conntrack NAT in the external network's zone, into
  // the port (DNAT) and out to the external network (SNAT); the external next hop is chosen,
  // then its MAC looked up among those learned from the external network's ARP.
  static constexpr std::uint8_t kFloatingIn = 46;
  static constexpr std::uint8_t kFloatingOut = 47;
  static constexpr std::uint8_t kNextHop = 48;
  static constexpr std::uint8_t kNeighbours = 49;
  static constexpr std::uint8_t kIngressConntrack = 50;
  static constexpr std::uint8_t kIngressRules = 51;
};

struct TunnelTables {
  static constexpr std::uint8_t kClassify = 0;
  static constexpr std::uint8_t kToTunnels = 10;
  static constexpr std::uint8_t kFromTunnels = 20;
};

struct PhysnetTables {
  static constexpr std::uint8_t kClassify = 0;
  static constexpr std::uint8_t kToPhysical = 1;
  static constexpr std::uint8_t kFromPhysical = 2;
};

// Integration bridge metadata, set by the classification table.
struct Registers {
  static constexpr const char* kNetwork = "reg6";  // the frame's lvid
  // The same lvid as the conntrack zone: one zone per network on this host.
  static constexpr const char* kZone = "NXM_NX_REG6[0..15]";
  static constexpr const char* kDestination = "reg5";  // ofport of a firewalled destination
  static constexpr const char* kFromRemote = "reg7";   // 1: came in from a patch (tunnel/physnet)
  // The external next hop's IPv4 address, for the kNeighbours lookup.
  static constexpr const char* kNextHop = "reg3";
  static constexpr const char* kNextHopField = "NXM_NX_REG3[]";
};

}  // namespace neutrino::dataplane::pipeline
