// Allowed address pairs in the pipeline: what anti-spoofing admits besides the fixed IPs, and
// where frames for a pair's own MAC go.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "dataplane/pipeline/pipeline_compiler.hpp"
#include "dataplane/pipeline/pipeline_tables.hpp"
#include "tests/unit/dataplane/pipeline/flow_selection.hpp"
#include "tests/unit/dataplane/pipeline/host_state_builder.hpp"
#include "tests/unit/dataplane/pipeline/parsed_flow.hpp"

namespace neutrino::dataplane::pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using I = IntegrationTables;

constexpr const char* kMac1 = "fa:16:3e:00:00:01";
constexpr const char* kMac2 = "fa:16:3e:00:00:02";
constexpr const char* kVrrpMac = "00:00:5e:00:01:33";

class AddressPairFlowsTest : public ::testing::Test {
 protected:
  AddressPairFlowsTest() {
    b_.network("A", "vxlan", 100)
        .port("p1", "A", kMac1, {"10.0.0.11", "2001:db8::11"})
        .port("p2", "A", kMac2, {"10.0.0.12"});
  }
  std::vector<ParsedFlow> compile(const std::string& bridge = "br-int") const {
    PipelineInput input{.model = &b_.model(), .cookie = 1};
    input.local_ports = {{"p1", 1}, {"p2", 2}};
    input.local_vlans = {{"A", 1}};
    input.patch_tun = 100;
    input.patch_int = 1;
    input.tunnel_ports = {{"192.0.2.2", 10}};
    return ParsedFlow::parse_all(PipelineCompiler::compile(input).at(bridge));
  }
  static std::vector<ParsedFlow> select(const std::vector<ParsedFlow>& flows, int table,
                                        const FlowFields& fields) {
    return select_flows(flows, table, fields);
  }
  HostStateBuilder b_;
};

TEST_F(AddressPairFlowsTest, ThePortsOwnMacMaySendFromThePairIpAndArpForIt) {
  b_.set("port:p1", "allowed_address_pairs",
         Json::array({{{"ip_address", "10.0.0.200"}, {"mac_address", kMac1}},
                      {{"ip_address", "10.9.0.5/24"}, {"mac_address", kMac1}}}));
  const auto flows = compile();
  ASSERT_EQ(select(flows, I::kPortSecurity, {{"in_port", "1"}, {"nw_src", "10.0.0.200"}}).size(),
            1u);
  const auto arp = select(flows, I::kPortSecurity, {{"in_port", "1"}, {"arp_spa", "10.0.0.200"}});
  ASSERT_EQ(arp.size(), 1u);
  EXPECT_TRUE(arp[0].matches("arp_sha", kMac1));
  EXPECT_TRUE(arp[0].matches("dl_src", kMac1));
  // A block is admitted as a block, host bits cleared.
  EXPECT_EQ(select(flows, I::kPortSecurity, {{"in_port", "1"}, {"nw_src", "10.9.0.0/24"}}).size(),
            1u);
  // The other port gains nothing.
  EXPECT_THAT(select(flows, I::kPortSecurity, {{"in_port", "2"}, {"nw_src", "10.0.0.200"}}),
              IsEmpty());
  EXPECT_THAT(select(flows, I::kPortSecurity, {{"in_port", "2"}, {"arp_spa", "10.0.0.200"}}),
              IsEmpty());
}

TEST_F(AddressPairFlowsTest, APairsOwnMacIsAdmittedForItsAddressOnlyAndDelivered) {
  b_.set("port:p1", "allowed_address_pairs",
         Json::array({{{"ip_address", "10.0.0.200"}, {"mac_address", kVrrpMac}},
                      {{"ip_address", "2001:db8::200"}, {"mac_address", kVrrpMac}}}));
  const auto flows = compile();
  const auto from_vmac = select(flows, I::kPortSecurity, {{"in_port", "1"}, {"dl_src", kVrrpMac}});
  std::set<std::string> v4, v6;
  for (const auto& f : from_vmac) {
    if (f.match.contains("nw_src")) {
      v4.insert(f.match.at("nw_src"));
    }
    if (f.match.contains("arp_spa")) {
      v4.insert(f.match.at("arp_spa"));
    }
    if (f.match.contains("ipv6_src")) {
      v6.insert(f.match.at("ipv6_src"));
    }
  }
  // Its pair address, an RFC 5227 probe; IPv6 from the pair and the MAC's link-local.
  EXPECT_THAT(v4, ElementsAre("0.0.0.0", "10.0.0.200"));
  EXPECT_THAT(v6, ElementsAre("2001:db8::200", "fe80::200:5eff:fe00:133"));
  // Not the port's fixed IP from the virtual MAC.
  EXPECT_THAT(select(flows, I::kPortSecurity, {{"dl_src", kVrrpMac}, {"nw_src", "10.0.0.11"}}),
              IsEmpty());
  // Frames for the virtual MAC go to the port, as for its own MAC.
  const auto forward = select(flows, I::kForwarding, {{"dl_dst", kVrrpMac}});
  ASSERT_EQ(forward.size(), 1u);
  EXPECT_EQ(forward[0].actions, select(flows, I::kForwarding, {{"dl_dst", kMac1}})[0].actions);
}

TEST_F(AddressPairFlowsTest, AMacSeveralPortsHoldAsAPairIsFlooded) {
  const Json pair = Json::array({{{"ip_address", "10.0.0.200"}, {"mac_address", kVrrpMac}}});
  b_.set("port:p1", "allowed_address_pairs", pair).set("port:p2", "allowed_address_pairs", pair);
  b_.remote("r1", "A", "fa:16:3e:00:01:01", {"10.0.0.21"}, "h2", "192.0.2.2");
  EXPECT_THAT(select(compile(), I::kForwarding, {{"dl_dst", kVrrpMac}}), IsEmpty());
  // Both may send from it.
  EXPECT_EQ(
      select(compile(), I::kPortSecurity, {{"dl_src", kVrrpMac}, {"nw_src", "10.0.0.200"}}).size(),
      2u);
}

TEST_F(AddressPairFlowsTest, ARemotePairMacGoesToItsHost) {
  b_.remote("r1", "A", "fa:16:3e:00:01:01", {"10.0.0.21"}, "h2", "192.0.2.2");
  b_.set("remote:r1", "allowed_address_pairs",
         Json::array({{{"ip_address", "10.0.0.200"}, {"mac_address", kVrrpMac}}}));
  const auto up = select(compile(), I::kForwarding, {{"dl_dst", kVrrpMac}});
  ASSERT_EQ(up.size(), 1u);
  EXPECT_TRUE(up[0].has_action("output:100"));
  const auto tunnel = select(compile("br-tun"), TunnelTables::kToTunnels, {{"dl_dst", kVrrpMac}});
  ASSERT_EQ(tunnel.size(), 1u);
  EXPECT_TRUE(tunnel[0].has_action("output:10"));
}

TEST_F(AddressPairFlowsTest, MalformedPairsAreSkippedAndWithoutPairsNothingChanges) {
  const auto before = compile();
  b_.set("port:p1", "allowed_address_pairs",
         Json::array({{{"ip_address", "nope"}, {"mac_address", kMac1}},
                      {{"ip_address", "10.0.0.7"}, {"mac_address", "ff:ff:ff:ff:ff:ff"}},
                      {{"ip_address", "10.0.0.7/40"}, {"mac_address", kMac1}}}));
  const auto after = compile();
  ASSERT_EQ(before.size(), after.size());
  for (size_t i = 0; i < before.size(); ++i) {
    EXPECT_EQ(before[i].text, after[i].text);
  }
}

TEST_F(AddressPairFlowsTest, RemoteGroupMembersMayBeBlocks) {
  b_.security_group("sg", {{{"direction", "ingress"}, {"remote_group_id", "sg"}}})
      .remote_group("sg", {"10.0.0.11", "10.0.5.0/24", "10.0.6.9/16"})
      .set("port:p1", "security_groups", Json::array({"sg"}));
  std::set<std::string> members;
  for (const auto& f : compile()) {
    if (f.match.contains("nw_src") && f.table == I::kIngressRules) {
      members.insert(f.match.at("nw_src"));
    }
  }
  EXPECT_THAT(members, ElementsAre("10.0.0.0/16", "10.0.0.11", "10.0.5.0/24"));
}

}  // namespace
}  // namespace neutrino::dataplane::pipeline
