// The compiled pipeline installed in a real, private ovs-vswitchd (userspace datapath), and
// packets traced through it with ofproto/trace: the flows do what docs/pipeline.md says.
//
// Bridges: int (guest ports a1 a2 a3 b1 v1 f1, patch to tun, patch to phy), tun (patch to int,
// VXLAN ports to h2..h5), phy (patch to int, internal port "nic" as the physical NIC), and ul,
// an underlay bridge holding 192.0.2.1 so that VXLAN outputs resolve to real encapsulations.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <set>
#include <thread>

#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/flow_codec.hpp"
#include "dataplane/openflow/openflow_connection.hpp"
#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "tests/support/ovs_sandbox.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/packet_trace.hpp"
#include "tests/unit/dataplane/pipeline/test_topology.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using namespace std::chrono_literals;
using openflow::FlowChange;
using openflow::OpenFlowConnection;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using T = TestTopology;

constexpr const char* kBroadcast = "ff:ff:ff:ff:ff:ff";
constexpr const char* kLocalTunnelIp = "192.0.2.1";

std::string of(std::uint32_t ofport) {
  return std::to_string(ofport);
}

class PipelineTraceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    sandbox_ = std::make_unique<testing::OvsSandbox>();
    topology_ = std::make_unique<TestTopology>(sandbox_->name("int"), sandbox_->name("tun"),
                                               sandbox_->name("phy"));
    build_switch();
    build_underlay();
    for (const auto& [bridge, flows] : PipelineCompiler::compile(topology_->input())) {
      std::vector<FlowChange> changes;
      for (const auto& flow : flows) {
        changes.push_back(FlowChange::add(flow));
      }
      connection(bridge).apply_bundle(changes);
    }
  }
  static void TearDownTestSuite() {
    connections_.clear();
    topology_.reset();
    sandbox_.reset();  // stops both daemons; the namespace and its devices go with it
  }

  static std::string name(const std::string& suffix) { return sandbox_->name(suffix); }

  static void build_switch() {
    const auto bridge = [](const std::string& name) {
      return std::vector<std::string>{"--",
                                      "add-br",
                                      name,
                                      "--",
                                      "set",
                                      "bridge",
                                      name,
                                      "datapath_type=netdev",
                                      "fail_mode=secure",
                                      "protocols=OpenFlow13"};
    };
    std::vector<std::string> args;
    const auto add = [&](const std::string& bridge_name, const std::string& port,
                         std::uint32_t ofport, std::vector<std::string> settings) {
      args.insert(args.end(), {"--", "add-port", bridge_name, name(port), "--", "set", "interface",
                               name(port), "ofport_request=" + of(ofport)});
      args.insert(args.end(), settings.begin(), settings.end());
    };
    const auto patch = [&](const std::string& peer) {
      return std::vector<std::string>{"type=patch", "options:peer=" + name(peer)};
    };
    const auto vxlan = [&](const std::string& ip) {
      return std::vector<std::string>{"type=vxlan", "options:key=flow", "options:remote_ip=" + ip};
    };
    for (const auto& b :
         {topology_->integration_bridge, topology_->tunnel_bridge, topology_->physnet_bridge}) {
      const auto more = bridge(b);
      args.insert(args.end(), more.begin(), more.end());
    }
    const auto& br_int = topology_->integration_bridge;
    for (const auto& [port, ofport] :
         std::vector<std::pair<std::string, std::uint32_t>>{{"a1", T::kA1},
                                                            {"a2", T::kA2},
                                                            {"a3", T::kA3},
                                                            {"b1", T::kB1},
                                                            {"v1", T::kV1},
                                                            {"f1", T::kF1}}) {
      add(br_int, port, ofport, {"type=internal"});
    }
    add(br_int, "pt", T::kPatchTun, patch("pi"));
    add(br_int, "ip", T::kIntPhysnet, patch("pp"));
    add(topology_->tunnel_bridge, "pi", T::kPatchInt, patch("pt"));
    add(topology_->tunnel_bridge, "vx2", T::kTunnelH2, vxlan(T::kH2));
    add(topology_->tunnel_bridge, "vx3", T::kTunnelH3, vxlan(T::kH3));
    add(topology_->tunnel_bridge, "vx4", T::kTunnelH4, vxlan(T::kH4));
    add(topology_->tunnel_bridge, "vx5", T::kTunnelH5, vxlan(T::kH5));
    add(topology_->physnet_bridge, "pp", T::kPhyPatch, patch("ip"));
    add(topology_->physnet_bridge, "nic", T::kNic, {"type=internal"});
    sandbox_->vsctl(args);
  }

  // A bridge holding the local tunnel IP, as a DPDK host's br-phy does: the userspace
  // datapath encapsulates VXLAN itself, routing by its own table and neighbour cache.
  static void build_underlay() {
    const std::string ul = name("ul");
    sandbox_->vsctl({"add-br", ul, "--", "set", "bridge", ul, "datapath_type=netdev", "--",
                     "add-port", ul, name("uln"), "--", "set", "interface", name("uln"),
                     "type=internal"});
    for (const auto& command : std::vector<std::vector<std::string>>{
             {"ip", "addr", "add", std::string(kLocalTunnelIp) + "/24", "dev", ul},
             {"ip", "link", "set", ul, "up"}}) {
      const auto result = sandbox_->run(command);
      ASSERT_EQ(result.status, 0) << result.err;
    }
    // ovs-vswitchd learns the route from netlink a moment later.
    for (int i = 0;
         sandbox_->appctl("vswitchd", {"ovs/route/show"}).find("192.0.2.0/24") == std::string::npos;
         ++i) {
      ASSERT_LT(i, 100) << "ovs-vswitchd never learned the underlay route";
      std::this_thread::sleep_for(50ms);
    }
    int peer = 2;
    for (const auto* ip : {T::kH2, T::kH3, T::kH4, T::kH5}) {
      sandbox_->appctl("vswitchd",
                       {"tnl/neigh/set", ul, ip, "aa:55:aa:55:00:0" + std::to_string(peer++)});
    }
  }

  static OpenFlowConnection& connection(const std::string& bridge) {
    auto& slot = connections_[bridge];
    for (int attempt = 0; !slot; ++attempt) {
      try {
        slot = std::make_unique<OpenFlowConnection>(
            "unix:" + OpenFlowConnection::management_socket(sandbox_->rundir(), bridge));
      } catch (const openflow::ConnectionError&) {
        if (attempt >= 100) {
          throw;
        }
        std::this_thread::sleep_for(50ms);  // the socket appears a moment after add-br
      }
    }
    return *slot;
  }

  static std::vector<std::string> installed(const std::string& bridge) {
    auto flows = connection(bridge).dump_flows(T::kCookie, ~0ull);
    std::sort(flows.begin(), flows.end());
    return flows;
  }

  static PacketTrace trace(const std::string& bridge, const std::string& flow) {
    return PacketTrace(*sandbox_, bridge, flow);
  }
  static PacketTrace from_int(const std::string& flow) {
    return trace(topology_->integration_bridge, flow);
  }
  // An IPv4 packet from a guest port.
  static PacketTrace ip_from(std::uint32_t ofport, const std::string& src_mac,
                             const std::string& dst_mac, const std::string& src_ip,
                             const std::string& dst_ip = "10.0.0.250") {
    return from_int("ip,in_port=" + of(ofport) + ",dl_src=" + src_mac + ",dl_dst=" + dst_mac +
                    ",nw_src=" + src_ip + ",nw_dst=" + dst_ip);
  }
  static PacketTrace arp_request_from(std::uint32_t ofport, const std::string& mac,
                                      const std::string& spa, const std::string& tpa) {
    return from_int("arp,in_port=" + of(ofport) + ",dl_src=" + mac + ",dl_dst=" + kBroadcast +
                    ",arp_op=1,arp_spa=" + spa + ",arp_tpa=" + tpa + ",arp_sha=" + mac +
                    ",arp_tha=00:00:00:00:00:00");
  }

  static TracedOutput local(const std::string& port) { return {.port = name(port)}; }
  static TracedOutput tunnel(const std::string& port, std::uint64_t vni, const std::string& ip) {
    return {.port = name(port), .vni = vni, .tunnel_dst = ip};
  }

  static inline std::unique_ptr<testing::OvsSandbox> sandbox_;
  static inline std::unique_ptr<TestTopology> topology_;
  static inline std::map<std::string, std::unique_ptr<OpenFlowConnection>> connections_;
};

TEST_F(PipelineTraceTest, InstalledFlowsReadBackExactlyAsCompiled) {
  // What the agent relies on: dump by cookie == canonical compile, so the diff is empty.
  for (const auto& [bridge, flows] : PipelineCompiler::compile_canonical(topology_->input())) {
    EXPECT_EQ(installed(bridge), flows) << bridge;
  }
}

TEST_F(PipelineTraceTest, LocalUnicastIsDeliveredToTheDestinationPortOnly) {
  const auto t = ip_from(T::kA1, T::kMacA1, T::kMacA2, T::kIpA1, T::kIpA2);
  EXPECT_THAT(t.outputs(), ElementsAre(local("a2"))) << t.text();
  // Port security off: a3 is forwarded like any port.
  EXPECT_THAT(ip_from(T::kA3, T::kMacA3, T::kMacA1, T::kIpA3).outputs(), ElementsAre(local("a1")));
}

TEST_F(PipelineTraceTest, SpoofedSourcesAreDropped) {
  const auto mac = ip_from(T::kA1, T::kMacA2, T::kMacA2, T::kIpA1);
  EXPECT_THAT(mac.outputs(), IsEmpty()) << mac.text();
  const auto ip = ip_from(T::kA1, T::kMacA1, T::kMacA2, T::kIpA2);
  EXPECT_THAT(ip.outputs(), IsEmpty()) << ip.text();
  // ARP claiming another's IP, or another MAC inside the ARP payload.
  EXPECT_THAT(arp_request_from(T::kA1, T::kMacA1, T::kIpA2, T::kIpA3).outputs(), IsEmpty());
  EXPECT_THAT(
      from_int("arp,in_port=1,dl_src=" + std::string(T::kMacA1) + ",dl_dst=" + kBroadcast +
               ",arp_op=2,arp_spa=" + T::kIpA1 + ",arp_tpa=" + T::kIpA2 + ",arp_sha=" + T::kMacA2)
          .outputs(),
      IsEmpty());
  // A tagged frame from a guest, even with its own addresses.
  EXPECT_THAT(from_int("ip,in_port=1,dl_vlan=2,dl_src=" + std::string(T::kMacA1) +
                       ",dl_dst=" + T::kMacA2 + ",nw_src=" + T::kIpA1)
                  .outputs(),
              IsEmpty());
  // With port security off, the same spoofed IP goes through.
  EXPECT_THAT(ip_from(T::kA3, T::kMacA3, T::kMacA2, T::kIpA1).outputs(), ElementsAre(local("a2")));
}

TEST_F(PipelineTraceTest, AnAllowedAddressPairsBlockIsAdmittedAndNothingBeyondIt) {
  const auto inside = ip_from(T::kB1, T::kMacB1, T::kMacRemoteB3, "10.7.0.99", T::kIpRemote);
  EXPECT_THAT(inside.outputs(), ElementsAre(tunnel("vx3", T::kVniB, T::kH3))) << inside.text();
  EXPECT_THAT(ip_from(T::kB1, T::kMacB1, T::kMacRemoteB3, "10.8.0.1", T::kIpRemote).outputs(),
              IsEmpty());
  // The pair is b1's: a1 (same MAC, other network) gains nothing.
  EXPECT_THAT(ip_from(T::kA1, T::kMacA1, T::kMacA2, "10.7.0.99", T::kIpA2).outputs(), IsEmpty());
  // Gratuitous ARP for an address of the block.
  EXPECT_THAT(arp_request_from(T::kB1, T::kMacB1, "10.7.0.99", "10.7.0.99").outputs(),
              Not(IsEmpty()));
}

TEST_F(PipelineTraceTest, DhcpDiscoveryFromNoAddressIsAllowed) {
  const auto t =
      from_int("udp,in_port=1,dl_src=" + std::string(T::kMacA1) + ",dl_dst=" + kBroadcast +
               ",nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,"
               "udp_dst=67");
  EXPECT_THAT(t.outputs(),
              UnorderedElementsAre(local("a2"), local("a3"), tunnel("vx2", T::kVniA, T::kH2),
                                   tunnel("vx4", T::kVniA, T::kH4)))
      << t.text();
  // Not to any other UDP port from 0.0.0.0.
  EXPECT_THAT(from_int("udp,in_port=1,dl_src=" + std::string(T::kMacA1) + ",dl_dst=" + kBroadcast +
                       ",nw_src=0.0.0.0,nw_dst=255.255.255.255,udp_src=68,udp_dst=53")
                  .outputs(),
              IsEmpty());
}

TEST_F(PipelineTraceTest, ArpRequestForARemoteAddressIsAnsweredInPlace) {
  const auto a = arp_request_from(T::kA1, T::kMacA1, T::kIpA1, T::kIpRemote);
  EXPECT_THAT(a.outputs(), ElementsAre(local("a1"))) << a.text();  // back where it came from
  const std::string reply = std::string("dl_src=") + T::kMacRemoteA2 + ",dl_dst=" + T::kMacA1 +
                            ",arp_spa=" + T::kIpRemote + ",arp_tpa=" + T::kIpA1 +
                            ",arp_op=2,arp_sha=" + T::kMacRemoteA2 + ",arp_tha=" + T::kMacA1;
  EXPECT_THAT(a.final_flow(), HasSubstr(reply));
  // The same address asked on network B is B's remote port.
  const auto b = arp_request_from(T::kB1, T::kMacB1, T::kIpB1, T::kIpRemote);
  EXPECT_THAT(b.outputs(), ElementsAre(local("b1")));
  EXPECT_THAT(b.final_flow(), HasSubstr(std::string("arp_op=2,arp_sha=") + T::kMacRemoteB3));
  // Local addresses too.
  EXPECT_THAT(arp_request_from(T::kA1, T::kMacA1, T::kIpA1, T::kIpA2).final_flow(),
              HasSubstr(std::string("arp_op=2,arp_sha=") + T::kMacA2));
}

TEST_F(PipelineTraceTest, UnknownAndOwnAddressArpIsBroadcastOnTheNetworkOnly) {
  const auto unknown = arp_request_from(T::kA1, T::kMacA1, T::kIpA1, "10.0.0.99");
  EXPECT_THAT(unknown.outputs(),
              UnorderedElementsAre(local("a2"), local("a3"), tunnel("vx2", T::kVniA, T::kH2),
                                   tunnel("vx4", T::kVniA, T::kH4)))
      << unknown.text();
  // A gratuitous ARP is not answered (the port would see a conflict): it is broadcast.
  const auto own = arp_request_from(T::kA1, T::kMacA1, T::kIpA1, T::kIpA1);
  EXPECT_EQ(own.outputs().size(), 4u) << own.text();
  const auto probe = arp_request_from(T::kA1, T::kMacA1, "0.0.0.0", T::kIpA1);
  EXPECT_EQ(probe.outputs().size(), 4u) << probe.text();
}

TEST_F(PipelineTraceTest, TrafficToARemoteMacLeavesThroughItsHostsTunnelWithTheVni) {
  const auto a = ip_from(T::kA1, T::kMacA1, T::kMacRemoteA2, T::kIpA1, T::kIpRemote);
  EXPECT_THAT(a.outputs(), ElementsAre(tunnel("vx2", T::kVniA, T::kH2))) << a.text();
  EXPECT_THAT(ip_from(T::kA2, T::kMacA2, T::kMacRemoteA4, T::kIpA2).outputs(),
              ElementsAre(tunnel("vx4", T::kVniA, T::kH4)));
  EXPECT_THAT(ip_from(T::kB1, T::kMacB1, T::kMacRemoteB3, T::kIpB1, T::kIpRemote).outputs(),
              ElementsAre(tunnel("vx3", T::kVniB, T::kH3)));
}

TEST_F(PipelineTraceTest, TunnelBridgeMapsTheLvidTagToTheVni) {
  const auto t =
      trace(topology_->tunnel_bridge, "in_port=" + of(T::kPatchInt) + ",dl_vlan=" + of(T::kLvidB) +
                                          ",dl_src=" + T::kMacB1 + ",dl_dst=" + T::kMacRemoteB3);
  EXPECT_THAT(t.text(), HasSubstr("set_field:0xc8->tun_id"));
  EXPECT_THAT(t.outputs(), ElementsAre(tunnel("vx3", T::kVniB, T::kH3))) << t.text();
  // Untagged or with an lvid not present here: nothing leaves.
  EXPECT_THAT(trace(topology_->tunnel_bridge, "in_port=" + of(T::kPatchInt) +
                                                  ",dl_src=" + T::kMacB1 + ",dl_dst=" + kBroadcast)
                  .outputs(),
              IsEmpty());
  EXPECT_THAT(trace(topology_->tunnel_bridge, "in_port=" + of(T::kPatchInt) +
                                                  ",dl_vlan=99,dl_src=" + T::kMacB1 +
                                                  ",dl_dst=" + kBroadcast)
                  .outputs(),
              IsEmpty());
}

TEST_F(PipelineTraceTest, BroadcastReachesTheNetworksPortsAndHostsOnly) {
  const auto a = ip_from(T::kA2, T::kMacA2, kBroadcast, T::kIpA2, "10.0.0.255");
  EXPECT_THAT(a.outputs(),
              UnorderedElementsAre(local("a1"), local("a3"), tunnel("vx2", T::kVniA, T::kH2),
                                   tunnel("vx4", T::kVniA, T::kH4)))
      << a.text();
  const auto b = ip_from(T::kB1, T::kMacB1, kBroadcast, T::kIpB1, "10.0.0.255");
  EXPECT_THAT(b.outputs(), ElementsAre(tunnel("vx3", T::kVniB, T::kH3))) << b.text();
  // Unknown unicast floods the same way.
  EXPECT_THAT(ip_from(T::kA2, T::kMacA2, "fa:16:3e:99:99:99", T::kIpA2).outputs().size(), 4u);
}

TEST_F(PipelineTraceTest, NetworkAFramesNeverReachNetworkB) {
  // a1 and b1 share MAC and IP. From a2 (network A) only a1 is reachable.
  EXPECT_THAT(ip_from(T::kA2, T::kMacA2, T::kMacA1, T::kIpA2, T::kIpA1).outputs(),
              ElementsAre(local("a1")));
  // From b1 (network B) the shared MAC is b1 itself: nothing leaves (never back in_port).
  EXPECT_THAT(ip_from(T::kB1, T::kMacB1, T::kMacA1, T::kIpB1, T::kIpA1).outputs(), IsEmpty());
  // From the tunnels: each VNI to its own network's port, whichever host sent it.
  const auto vxlan_in = [](std::uint32_t ofport, std::uint32_t vni, const char* src) {
    return trace(topology_->tunnel_bridge,
                 "in_port=" + of(ofport) + ",tun_id=" + std::to_string(vni) + ",tun_src=" + src +
                     ",tun_dst=" + kLocalTunnelIp + ",dl_src=" + T::kMacRemoteA2 +
                     ",dl_dst=" + T::kMacA1);
  };
  EXPECT_THAT(vxlan_in(T::kTunnelH2, T::kVniA, T::kH2).outputs(), ElementsAre(local("a1")));
  EXPECT_THAT(vxlan_in(T::kTunnelH3, T::kVniB, T::kH3).outputs(), ElementsAre(local("b1")));
  EXPECT_THAT(vxlan_in(T::kTunnelH2, 300, T::kH2).outputs(), IsEmpty());  // unknown VNI
  // Broadcast from a tunnel: the network's local ports only, never back to a tunnel.
  const auto flood = trace(topology_->tunnel_bridge,
                           "in_port=" + of(T::kTunnelH3) + ",tun_id=200,tun_src=" + T::kH3 +
                               ",tun_dst=" + kLocalTunnelIp + ",dl_src=" + T::kMacRemoteB3 +
                               ",dl_dst=" + kBroadcast);
  EXPECT_THAT(flood.outputs(), ElementsAre(local("b1"))) << flood.text();
  // From br-int's patch ports, only each uplink's own lvids.
  EXPECT_THAT(from_int("in_port=" + of(T::kPatchTun) + ",dl_vlan=2,dl_src=" + T::kMacRemoteB3 +
                       ",dl_dst=" + T::kMacA1)
                  .outputs(),
              ElementsAre(local("b1")));
  EXPECT_THAT(from_int("in_port=" + of(T::kIntPhysnet) + ",dl_vlan=1,dl_src=" + T::kMacRemoteB3 +
                       ",dl_dst=" + T::kMacA1)
                  .outputs(),
              IsEmpty());
}

TEST_F(PipelineTraceTest, VlanNetworkLeavesThePhysnetBridgeWithTheSegmentationId) {
  const auto unicast = ip_from(T::kV1, T::kMacV1, T::kMacRemoteV2, T::kIpV1, "10.1.0.6");
  EXPECT_THAT(unicast.outputs(), Contains(TracedOutput{.port = name("nic"), .vlan = 300}))
      << unicast.text();
  const auto flood = ip_from(T::kV1, T::kMacV1, kBroadcast, T::kIpV1, "10.1.0.255");
  EXPECT_THAT(flood.outputs(), Contains(TracedOutput{.port = name("nic"), .vlan = 300}));
  for (const auto* t : {&unicast, &flood}) {
    for (const auto& out : t->outputs()) {
      EXPECT_EQ(out.vlan, 300) << out << "\n" << t->text();  // the lvid never leaves
    }
  }
  // Inbound: VLAN 300 to v1, untagged.
  const auto in = trace(
      topology_->physnet_bridge,
      "in_port=" + of(T::kNic) + ",dl_vlan=300,dl_src=" + T::kMacRemoteV2 + ",dl_dst=" + T::kMacV1);
  EXPECT_THAT(in.outputs(), ElementsAre(local("v1"))) << in.text();
}

TEST_F(PipelineTraceTest, FlatNetworkIsUntaggedOnThePhysicalSide) {
  const auto out = ip_from(T::kF1, T::kMacF1, kBroadcast, T::kIpF1, "10.2.0.255");
  EXPECT_THAT(out.outputs(), Contains(TracedOutput{.port = name("nic")})) << out.text();
  const auto in =
      trace(topology_->physnet_bridge,
            "in_port=" + of(T::kNic) + ",dl_src=" + T::kMacRemoteV2 + ",dl_dst=" + T::kMacF1);
  EXPECT_THAT(in.outputs(), ElementsAre(local("f1"))) << in.text();
}

TEST_F(PipelineTraceTest, PhysicalSideReachesOnlyNetworksPresentHere) {
  // The lvid of network A (VXLAN), or a VLAN no network here uses: dropped at the bridge.
  for (const auto* vlan : {"1", "3", "301"}) {
    const auto t = trace(topology_->physnet_bridge, "in_port=" + of(T::kNic) + ",dl_vlan=" + vlan +
                                                        ",dl_src=" + T::kMacRemoteV2 +
                                                        ",dl_dst=" + kBroadcast);
    EXPECT_THAT(t.outputs(), IsEmpty()) << "VLAN " << vlan << "\n" << t.text();
  }
}

TEST_F(PipelineTraceTest, Ipv6NeighbourDiscoveryOnlyAboutThePortItself) {
  const std::string lla = "fe80::f816:3eff:fe00:2";
  const auto nd = [&](int type, const std::string& src, const std::string& extra) {
    return from_int("icmp6,in_port=" + of(T::kA2) + ",dl_src=" + T::kMacA2 +
                    ",dl_dst=33:33:ff:00:00:01,ipv6_src=" + src +
                    ",ipv6_dst=ff02::1:ff00:1,icmpv6_type=" + std::to_string(type) +
                    ",icmpv6_code=0" + extra);
  };
  const auto solicit =
      nd(135, lla, ",nd_target=fe80::f816:3eff:fe00:1,nd_sll=" + std::string(T::kMacA2));
  EXPECT_EQ(solicit.outputs().size(), 4u) << solicit.text();
  EXPECT_EQ(nd(135, "::", ",nd_target=2001:db8::12").outputs().size(), 4u);  // DAD
  EXPECT_EQ(nd(136, lla, ",nd_target=2001:db8::12").outputs().size(), 4u);
  // Claiming someone else's address or MAC, or acting as a router.
  EXPECT_THAT(nd(136, lla, ",nd_target=fe80::f816:3eff:fe00:1").outputs(), IsEmpty());
  EXPECT_THAT(nd(135, lla, ",nd_target=fe80::1,nd_sll=" + std::string(T::kMacA1)).outputs(),
              IsEmpty());
  EXPECT_THAT(nd(134, lla, "").outputs(), IsEmpty());
  EXPECT_THAT(nd(128, "fe80::f816:3eff:fe00:1", "").outputs(), IsEmpty());  // spoofed source
}

TEST_F(PipelineTraceTest, ANewRemotePortIsOnlyAdditionsAndTakesEffect) {
  // h5 gets a port on network A: the diff with what is installed is a handful of flows, and
  // once applied (an add replaces the flow with the same match) broadcast reaches h5 too.
  TestTopology changed = *topology_;
  changed.state = HostStateBuilder()
                      .remote("ra5", "A", "fa:16:3e:00:01:05", {"10.0.0.25"}, "h5", T::kH5)
                      .state();
  changed.state.insert(topology_->state.begin(), topology_->state.end());
  std::size_t changes_total = 0;
  for (const auto& [bridge, flows] : PipelineCompiler::compile(changed.input())) {
    const auto before = installed(bridge);
    std::vector<FlowChange> changes;
    for (const auto& flow : flows) {
      if (!std::binary_search(before.begin(), before.end(), openflow::FlowCodec::canonical(flow))) {
        changes.push_back(FlowChange::add(flow));
      }
    }
    changes_total += changes.size();
    connection(bridge).apply_bundle(changes);
    EXPECT_EQ(installed(bridge), PipelineCompiler::canonical({{bridge, flows}}).at(bridge));
  }
  // br-int: forwarding + ARP answer; br-tun: unicast + the flood flow rewritten.
  EXPECT_EQ(changes_total, 4u);
  EXPECT_THAT(ip_from(T::kA2, T::kMacA2, kBroadcast, T::kIpA2).outputs(),
              Contains(tunnel("vx5", T::kVniA, T::kH5)));
  // Back to the suite's state for the other tests.
  for (const auto& [bridge, flows] : PipelineCompiler::compile(topology_->input())) {
    std::vector<FlowChange> changes = {
        FlowChange::remove("cookie=" + std::to_string(T::kCookie) + "/-1")};
    for (const auto& flow : flows) {
      changes.push_back(FlowChange::add(flow));
    }
    connection(bridge).apply_bundle(changes);
  }
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
