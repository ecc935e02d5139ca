#pragma once
// One host's view shared by the compiler tests and the trace tests, so the ofports the trace
// test creates are the ones the compiler was told about.
//
//   network A: VXLAN 100, lvid 1    ports a1, a2, a3 (port security off); remotes on h2, h4
//   network B: VXLAN 200, lvid 2    port b1: same MAC and IP as a1, allowed address pairs
//                                   10.7.0.5/24 and 2001:db8:7::/64; remote on h3, same IP as A's
//   network V: VLAN 300 on physnet1, lvid 3     port v1; remote on h2
//   network F: flat on physnet1, lvid 4         port f1
//   h5 (192.0.2.5) has a tunnel port but no port on any of these networks.
#include <cstdint>
#include <string>

#include "common/channel/host_state.hpp"
#include "dataplane/pipeline/pipeline_input.hpp"

namespace neutrino::dataplane::pipeline {

struct TestTopology {
  static constexpr std::uint64_t kCookie = 0x6e74727000000001ULL;
  static constexpr std::uint16_t kLvidA = 1, kLvidB = 2, kLvidV = 3, kLvidF = 4;
  static constexpr std::uint32_t kVniA = 100, kVniB = 200, kVlanV = 300;

  // br-int
  static constexpr std::uint32_t kA1 = 1, kA2 = 2, kB1 = 3, kV1 = 4, kF1 = 5, kA3 = 6;
  static constexpr std::uint32_t kPatchTun = 100, kIntPhysnet = 101;
  // br-tun
  static constexpr std::uint32_t kPatchInt = 1, kTunnelH2 = 10, kTunnelH3 = 11, kTunnelH4 = 12,
                                 kTunnelH5 = 13;
  // br-physnet1
  static constexpr std::uint32_t kPhyPatch = 1, kNic = 2;

  static constexpr const char* kMacA1 = "fa:16:3e:00:00:01";
  static constexpr const char* kMacA2 = "fa:16:3e:00:00:02";
  static constexpr const char* kMacA3 = "fa:16:3e:00:00:03";
  static constexpr const char* kMacB1 = "fa:16:3e:00:00:01";  // = a1's
  static constexpr const char* kMacV1 = "fa:16:3e:00:03:01";
  static constexpr const char* kMacF1 = "fa:16:3e:00:04:01";
  static constexpr const char* kMacRemoteA2 = "fa:16:3e:00:01:02";  // on h2
  static constexpr const char* kMacRemoteA4 = "fa:16:3e:00:01:04";  // on h4
  static constexpr const char* kMacRemoteB3 = "fa:16:3e:00:02:03";  // on h3
  static constexpr const char* kMacRemoteV2 = "fa:16:3e:00:03:02";  // on h2
  static constexpr const char* kIpA1 = "10.0.0.11";
  static constexpr const char* kIpA2 = "10.0.0.12";
  static constexpr const char* kIpA3 = "10.0.0.13";
  static constexpr const char* kIpB1 = "10.0.0.11";           // = a1's
  static constexpr const char* kIpRemote = "10.0.0.21";       // remote A2 on A, remote B3 on B
  static constexpr const char* kPairBlockB1 = "10.7.0.5/24";  // b1's pair, host bits set
  static constexpr const char* kIpV1 = "10.1.0.5";
  static constexpr const char* kIpF1 = "10.2.0.5";
  static constexpr const char* kH2 = "192.0.2.2";
  static constexpr const char* kH3 = "192.0.2.3";
  static constexpr const char* kH4 = "192.0.2.4";
  static constexpr const char* kH5 = "192.0.2.5";

  // Bridge names default to production's; the trace test gives its sandbox's.
  TestTopology(std::string integration = "br-int", std::string tunnel = "br-tun",
               std::string physnet = "br-physnet1");

  channel::HostState state;
  // `state` decoded, as input() last decoded it.
  mutable model::HostModel model;
  // Decodes `state` into `model` and points at it: copy the topology, not the input alone, and
  // call again after changing `state`.
  PipelineInput input() const;

  std::string integration_bridge, tunnel_bridge, physnet_bridge;
};

}  // namespace neutrino::dataplane::pipeline
