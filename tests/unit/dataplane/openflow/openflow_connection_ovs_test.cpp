// OpenFlowConnection against a real, private ovs-vswitchd (userspace datapath), cross-checked
// with ovs-ofctl.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <regex>
#include <sstream>
#include <thread>

#include "dataplane/openflow/connection_error.hpp"
#include "dataplane/openflow/flow_codec.hpp"
#include "dataplane/openflow/openflow_connection.hpp"
#include "dataplane/openflow/openflow_error.hpp"
#include "tests/support/ovs_sandbox.hpp"

namespace neutrino::dataplane::openflow {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using ::testing::UnorderedElementsAreArray;

std::vector<std::string> sorted(std::vector<std::string> lines) {
  std::sort(lines.begin(), lines.end());
  return lines;
}

std::vector<std::string> canonical(const std::vector<std::string>& flows) {
  std::vector<std::string> out;
  for (const auto& flow : flows) {
    out.push_back(FlowCodec::canonical(flow));
  }
  return sorted(out);
}

// For sockets ovs-vswitchd opens a moment after ovs-vsctl returns.
std::unique_ptr<OpenFlowConnection> connect_with_retry(const std::string& target) {
  for (int attempt = 0;; ++attempt) {
    try {
      return std::make_unique<OpenFlowConnection>(target);
    } catch (const ConnectionError&) {
      if (attempt >= 100) {
        throw;
      }
      std::this_thread::sleep_for(50ms);
    }
  }
}

class OpenFlowOvsTest : public ::testing::Test {
 protected:
  // One sandbox for the suite (started on the main thread, which outlives its children); one
  // bridge per test.
  static void SetUpTestSuite() { sandbox_ = std::make_unique<testing::OvsSandbox>(); }
  static void TearDownTestSuite() { sandbox_.reset(); }

  void SetUp() override {
    bridge_ = sandbox_->name("of" + std::to_string(next_bridge_++));
    add_bridge(bridge_, "OpenFlow13");
    connection_ = std::make_unique<OpenFlowConnection>(socket());
  }

  void TearDown() override {
    connection_.reset();
    sandbox_->vsctl({"--if-exists", "del-br", bridge_});
  }

  static void add_bridge(const std::string& name, const std::string& protocols) {
    sandbox_->vsctl({"add-br", name, "--", "set", "bridge", name, "datapath_type=netdev",
                     "protocols=" + protocols, "fail_mode=secure"});
  }

  std::string socket() const {
    return "unix:" + OpenFlowConnection::management_socket(sandbox_->rundir(), bridge_);
  }

  // What ovs-ofctl sees on the bridge, one flow per line, in the same (--no-stats) format.
  std::vector<std::string> ofctl(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"ovs-ofctl", "-O", "OpenFlow13", "--no-stats", "--no-names"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto result = testing::run_command({.argv = argv});
    if (result.status != 0) {
      throw std::runtime_error("ovs-ofctl failed: " + result.err);
    }
    std::vector<std::string> lines;
    std::istringstream in(result.out);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) {
        lines.push_back(line.substr(line.find_first_not_of(' ')));
      }
    }
    return sorted(lines);
  }
  std::vector<std::string> ofctl_dump() const { return ofctl({"dump-flows", socket()}); }
  std::vector<std::string> dump() const { return sorted(connection_->dump_flows()); }

  static inline std::unique_ptr<testing::OvsSandbox> sandbox_;
  static inline int next_bridge_ = 0;
  std::string bridge_;
  std::unique_ptr<OpenFlowConnection> connection_;
};

TEST_F(OpenFlowOvsTest, NegotiatesOpenFlow13OnTheManagementSocket) {
  EXPECT_EQ(connection_->version(), kOpenFlow13);
  EXPECT_TRUE(connection_->connected());
  EXPECT_LT(connection_->echo(), 1s);
  connection_->barrier();
  EXPECT_THAT(connection_->dump_flows(), IsEmpty());  // fail_mode=secure: no NORMAL flow
}

TEST_F(OpenFlowOvsTest, AddedFlowsReadBackCanonicalAndAsOvsOfctlPrintsThem) {
  const std::vector<std::string> flows = {
      "table=0,priority=100,in_port=1,dl_src=fa:16:3e:00:00:01,actions=resubmit(,1)",
      "cookie=0x1234,table=0,priority=90,in_port=2,actions=mod_vlan_vid:101,resubmit(,1)",
      "cookie=0x1234,table=1,priority=50,ip,nw_dst=10.0.0.0/255.255.255.0,"
      "actions=dec_ttl,output:3",
      "table=1,priority=40,arp,arp_tpa=10.0.0.1,actions=drop",
      "cookie=0x99,table=2,priority=10,dl_vlan=101,actions=strip_vlan,"
      "load:0x5->NXM_NX_REG0[],goto_table:3",
      "table=3,priority=1,tcp,tp_dst=80,actions=ct(commit,zone=5),output:1",
      "table=3,priority=0,actions=NORMAL",
      "table=4,idle_timeout=300,hard_timeout=600,send_flow_rem,priority=7,udp,udp_dst=67,"
      "actions=CONTROLLER:65535",
      "table=5,priority=5,reg0=0x5,ipv6,ipv6_src=fd00::/64,actions=set_field:0x7->reg1,"
      "write_metadata:0x10/0xff,goto_table:6",
  };
  connection_->add_flows(flows);
  const std::vector<std::string> installed = dump();
  EXPECT_EQ(installed, canonical(flows));
  EXPECT_EQ(installed, ofctl_dump());
}

TEST_F(OpenFlowOvsTest, DumpsByCookie) {
  connection_->add_flows({"cookie=0x101,priority=1,in_port=1,actions=drop",
                          "cookie=0x102,priority=1,in_port=2,actions=drop",
                          "cookie=0x201,table=7,priority=1,in_port=3,actions=drop"});
  EXPECT_THAT(
      connection_->dump_flows(0x100, 0xf00),
      UnorderedElementsAreArray(canonical({"cookie=0x101,priority=1,in_port=1,actions=drop",
                                           "cookie=0x102,priority=1,in_port=2,actions=drop"})));
  EXPECT_THAT(
      connection_->dump_flows(0x201, ~0ull),
      ElementsAre(FlowCodec::canonical("cookie=0x201,table=7,priority=1,in_port=3,actions=drop")));
}

// UDP 10.0.0.<a>:1000 -> 10.0.0.<b>:2000, committed to conntrack `zone` of the userspace
// datapath with a packet-out.
class ConntrackOvsTest : public OpenFlowOvsTest {
 protected:
  void commit(int a, int b, int zone) {
    static const std::map<std::pair<int, int>, std::string> kPackets = {
        {{1, 2},
         "fa163e000002fa163e00000108004500001e00010000401166cc0a0000010a00000203e807d0000a77b6686"
         "9"},
        {{3, 1},
         "fa163e000002fa163e00000108004500001e00010000401166cb0a0000030a00000103e807d0000a77b5686"
         "9"},
        {{3, 4},
         "fa163e000002fa163e00000108004500001e00010000401166c80a0000030a00000403e807d0000a77b2686"
         "9"}};
    ofctl({"packet-out", socket(),
           "in_port=controller,packet=" + kPackets.at({a, b}) +
               ",actions=ct(commit,zone=" + std::to_string(zone) + ")"});
  }
  std::vector<std::string> entries(int zone) const {
    std::istringstream dump(
        sandbox_->appctl("vswitchd", {"dpctl/dump-conntrack", "zone=" + std::to_string(zone)}));
    std::vector<std::string> out;
    const std::regex orig(R"(orig=\(src=([^,]+),dst=([^,]+))");
    for (std::string line; std::getline(dump, line);) {
      std::smatch m;
      if (std::regex_search(line, m, orig)) {
        out.push_back(std::string(m[1]) + "->" + std::string(m[2]));
      }
    }
    return out;
  }
};

TEST_F(ConntrackOvsTest, FlushesOneZone) {
  commit(1, 2, 7);
  commit(1, 2, 8);
  ASSERT_THAT(entries(7), ElementsAre("10.0.0.1->10.0.0.2"));
  ASSERT_THAT(entries(8), ElementsAre("10.0.0.1->10.0.0.2"));
  connection_->flush_conntrack_zone(7);
  EXPECT_THAT(entries(7), IsEmpty());
  EXPECT_THAT(entries(8), ElementsAre("10.0.0.1->10.0.0.2"));
}

TEST_F(ConntrackOvsTest, FlushesTheConnectionsOfOneAddressInOneZone) {
  commit(1, 2, 9);
  commit(3, 1, 9);
  commit(3, 4, 9);
  commit(1, 2, 10);
  ASSERT_THAT(entries(9), SizeIs(3));
  connection_->flush_conntrack(9, "ct_nw_src=10.0.0.1");
  connection_->flush_conntrack(9, "ct_nw_dst=10.0.0.1");
  EXPECT_THAT(entries(9), ElementsAre("10.0.0.3->10.0.0.4"));
  EXPECT_THAT(entries(10), ElementsAre("10.0.0.1->10.0.0.2"));
  EXPECT_THROW(connection_->flush_conntrack(9, "ct_nw_src=not-an-address"), std::invalid_argument);
}

// Our own packet-out (the agent's announcements of external addresses) reaches the datapath:
// its action commits the packet to conntrack as ovs-ofctl's does.
TEST_F(ConntrackOvsTest, PacketOutRunsItsActionsOnThePacket) {
  connection_->packet_out(
      "in_port=controller,packet=fa163e000002fa163e00000108004500001e00010000401166cc0a0000010a000"
      "00203e807d0000a77b66869,actions=ct(commit,zone=11)");
  EXPECT_THAT(entries(11), ElementsAre("10.0.0.1->10.0.0.2"));
  EXPECT_THROW(connection_->packet_out("in_port=controller,packet=zz,actions=drop"),
               std::invalid_argument);
}

TEST_F(OpenFlowOvsTest, DeleteByCookieLeavesOtherCookiesFlows) {
  const std::vector<std::string> keep = {"cookie=0x2,priority=5,in_port=2,actions=drop",
                                         "cookie=0x3,table=9,priority=5,in_port=3,actions=drop"};
  connection_->add_flows({"cookie=0x1,priority=5,in_port=1,actions=drop",
                          "cookie=0x1,table=4,priority=6,in_port=1,actions=drop"});
  connection_->add_flows(keep);
  connection_->delete_flows_by_cookie(0x1);
  EXPECT_EQ(dump(), canonical(keep));
  EXPECT_EQ(ofctl_dump(), canonical(keep));
}

TEST_F(OpenFlowOvsTest, DeleteByMatch) {
  connection_->add_flows({"table=0,priority=5,in_port=1,actions=drop",
                          "table=0,priority=6,in_port=1,dl_vlan=5,actions=drop",
                          "table=1,priority=5,in_port=1,actions=drop",
                          "table=0,priority=5,in_port=2,actions=drop"});
  connection_->delete_flows("table=0,in_port=1");
  EXPECT_EQ(dump(), canonical({"table=1,priority=5,in_port=1,actions=drop",
                               "table=0,priority=5,in_port=2,actions=drop"}));
  connection_->apply({FlowChange::remove_strict("table=1,priority=5,in_port=1")});
  EXPECT_EQ(dump(), canonical({"table=0,priority=5,in_port=2,actions=drop"}));
}

TEST_F(OpenFlowOvsTest, RefusedFlowIsAnOpenFlowErrorAndTheSessionGoesOn) {
  try {
    connection_->add_flows({"priority=5,in_port=1,actions=drop",
                            "priority=5,in_port=2,actions=group:99",
                            "priority=5,in_port=3,actions=drop"});
    FAIL() << "expected OpenFlowError";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPBAC_BAD_OUT_GROUP");
    EXPECT_EQ(e.type_name(), "OFPET_BAD_ACTION");
    EXPECT_EQ(e.request(), "add priority=5,in_port=2,actions=group:99");
  }
  // Not a bundle: the other two went in.
  EXPECT_EQ(dump(),
            canonical({"priority=5,in_port=1,actions=drop", "priority=5,in_port=3,actions=drop"}));
  EXPECT_TRUE(connection_->connected());
  EXPECT_THROW(connection_->add_flows({"priority=5,in_port=4,actions=no_such_action"}),
               std::invalid_argument);
}

TEST_F(OpenFlowOvsTest, ValidBundleReplacesFlows) {
  connection_->add_flows({"cookie=0x1,priority=10,in_port=1,actions=drop",
                          "cookie=0x1,table=1,priority=10,in_port=1,actions=drop",
                          "cookie=0x7,priority=10,in_port=7,actions=drop"});
  const std::vector<std::string> replacement = {
      "cookie=0x2,priority=10,in_port=1,actions=resubmit(,1)",
      "cookie=0x2,table=1,priority=10,in_port=1,actions=output:2"};
  std::vector<FlowChange> changes = {FlowChange::remove("cookie=0x1/-1")};
  for (const auto& flow : replacement) {
    changes.push_back(FlowChange::add(flow));
  }
  changes.push_back(FlowChange::modify_strict("cookie=0x7,priority=10,in_port=7,actions=output:3"));
  connection_->apply_bundle(changes);
  std::vector<std::string> expected = replacement;
  expected.push_back("cookie=0x7,priority=10,in_port=7,actions=output:3");
  EXPECT_EQ(dump(), canonical(expected));
  EXPECT_EQ(ofctl_dump(), canonical(expected));
}

TEST_F(OpenFlowOvsTest, BundleWithARefusedFlowChangesNothing) {
  const std::vector<std::string> before = {"cookie=0x1,priority=10,in_port=1,actions=drop",
                                           "cookie=0x1,table=1,priority=10,actions=drop"};
  connection_->add_flows(before);
  try {
    connection_->apply_bundle({FlowChange::remove("cookie=0x1/-1"),
                               FlowChange::add("cookie=0x2,priority=10,in_port=2,actions=drop"),
                               FlowChange::add("cookie=0x2,priority=10,in_port=3,actions=group:99"),
                               FlowChange::add("cookie=0x2,priority=10,in_port=4,actions=drop")});
    FAIL() << "expected OpenFlowError";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPBAC_BAD_OUT_GROUP");
    EXPECT_THAT(e.request(), HasSubstr("in_port=3,actions=group:99"));
  }
  EXPECT_EQ(dump(), canonical(before));
  EXPECT_EQ(ofctl_dump(), canonical(before));
  // The session and bundles still work afterwards.
  connection_->apply_bundle({FlowChange::add("priority=1,actions=drop")});
  EXPECT_EQ(dump().size(), 3u);
}

TEST_F(OpenFlowOvsTest, BundleFailingAtCommitChangesNothing) {
  // check_overlap is judged when the bundle commits, against the table at that moment: the
  // first two changes are applied, then rolled back when the third fails.
  const std::vector<std::string> before = {"priority=10,in_port=1,actions=drop"};
  connection_->add_flows(before);
  try {
    connection_->apply_bundle(
        {FlowChange::remove("in_port=1"), FlowChange::add("priority=10,in_port=2,actions=drop"),
         FlowChange::add("priority=20,in_port=2,actions=drop"),
         FlowChange::add("check_overlap,priority=20,dl_src=fa:16:3e:00:00:01,actions=drop")});
    FAIL() << "expected OpenFlowError";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPFMFC_OVERLAP");
    EXPECT_THAT(e.request(), HasSubstr("check_overlap"));
  }
  EXPECT_EQ(dump(), canonical(before));
}

TEST_F(OpenFlowOvsTest, LargeDumpSpansSeveralReplies) {
  // ~2000 flows exceed one 64 kB reply: the dump is reassembled from several parts.
  std::vector<std::string> flows;
  for (int i = 0; i < 2000; ++i) {
    flows.push_back("cookie=0x" + std::to_string(i % 7 + 1) + ",table=" + std::to_string(i % 3) +
                    ",priority=100,ip,nw_src=10.0." + std::to_string(i / 250) + "." +
                    std::to_string(i % 250) + ",actions=resubmit(,4)");
  }
  connection_->apply_bundle([&] {
    std::vector<FlowChange> changes;
    for (const auto& flow : flows) {
      changes.push_back(FlowChange::add(flow));
    }
    return changes;
  }());
  const std::vector<std::string> installed = dump();
  EXPECT_EQ(installed.size(), flows.size());
  EXPECT_EQ(installed, canonical(flows));
  EXPECT_EQ(installed, ofctl_dump());
}

TEST_F(OpenFlowOvsTest, BridgeWithoutOpenFlow13RefusesTheSession) {
  const std::string old = sandbox_->name("old" + std::to_string(next_bridge_++));
  add_bridge(old, "OpenFlow10");
  try {
    OpenFlowConnection refused("unix:" +
                               OpenFlowConnection::management_socket(sandbox_->rundir(), old));
    FAIL() << "expected OFPHFC_INCOMPATIBLE";
  } catch (const OpenFlowError& e) {
    EXPECT_EQ(e.name(), "OFPHFC_INCOMPATIBLE");
  }
  sandbox_->vsctl({"del-br", old});
}

TEST_F(OpenFlowOvsTest, AnswersTheSwitchsInactivityProbes) {
  // The management socket probes only after 60 s idle; a controller socket can be set to the
  // minimum of 5 s. Unanswered, ovs-vswitchd would hang up 5 s after its probe.
  const std::string path = sandbox_->rundir() + "/" + bridge_ + ".ctl";
  sandbox_->vsctl({"set-controller", bridge_, "punix:" + path});
  sandbox_->vsctl({"set", "controller", bridge_, "inactivity_probe=5000"});
  auto controller = connect_with_retry("unix:" + path);
  std::this_thread::sleep_for(11s);
  EXPECT_GE(controller->echo_requests_answered(), 1u);
  EXPECT_TRUE(controller->connected());
  EXPECT_THAT(controller->dump_flows(), IsEmpty());
}

TEST_F(OpenFlowOvsTest, SwitchRestartClosesTheSession) {
  sandbox_->restart_vswitchd();
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (connection_->connected() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_FALSE(connection_->connected());
  EXPECT_THROW(connection_->dump_flows(), ConnectionError);
  // The owner reconnects (the new ovs-vswitchd opens the socket shortly after it applied the
  // database) and resynchronises.
  EXPECT_THAT(connect_with_retry(socket())->dump_flows(), IsEmpty());
}

}  // namespace
}  // namespace neutrino::dataplane::openflow
