#include "dataplane/openflow/flow_codec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "tests/unit/dataplane/openflow/wire.hpp"

namespace neutrino::dataplane::openflow {
namespace {

using Kind = FlowChange::Kind;
using ::testing::HasSubstr;

// Offsets in an OpenFlow 1.3 ofp_flow_mod.
constexpr std::size_t kCookie = 8, kCookieMask = 16, kTableId = 24, kCommand = 25, kPriority = 30,
                      kOutPort = 36;

TEST(FlowCodecTest, EncodesAddAsOpenFlow13FlowMod) {
  const Message message = FlowCodec::encode_flow_mod(
      "cookie=0xabc,table=3,priority=100,in_port=1,dl_src=fa:16:3e:00:00:01,"
      "actions=resubmit(,1)",
      Kind::kAdd, 0x1234);
  ASSERT_GE(message.size(), 48u);
  EXPECT_EQ(message[0], kOpenFlow13);
  EXPECT_EQ(message[1], wire::kFlowMod);
  EXPECT_EQ(wire::get16(message, 2), message.size());
  EXPECT_EQ(wire::get32(message, 4), 0x1234u);
  EXPECT_EQ(wire::get64(message, kCookie), 0xabcu);
  EXPECT_EQ(wire::get64(message, kCookieMask), 0u);
  EXPECT_EQ(message[kTableId], 3);
  EXPECT_EQ(message[kCommand], 0);  // OFPFC_ADD
  EXPECT_EQ(wire::get16(message, kPriority), 100);
}

TEST(FlowCodecTest, AddWithoutTableGoesToTableZero) {
  const Message message = FlowCodec::encode_flow_mod("priority=1,actions=drop", Kind::kAdd, 1);
  EXPECT_EQ(message[kTableId], 0);
}

TEST(FlowCodecTest, DeleteByCookieCoversEveryTable) {
  const Message message = FlowCodec::encode_delete_by_cookie(0x5, 0xff, 7);
  EXPECT_EQ(message[1], wire::kFlowMod);
  EXPECT_EQ(wire::get32(message, 4), 7u);
  EXPECT_EQ(wire::get64(message, kCookie), 0x5u);
  EXPECT_EQ(wire::get64(message, kCookieMask), 0xffu);
  EXPECT_EQ(message[kTableId], 0xff);                      // OFPTT_ALL
  EXPECT_EQ(message[kCommand], 3);                         // OFPFC_DELETE
  EXPECT_EQ(wire::get32(message, kOutPort), 0xffffffffu);  // OFPP_ANY
}

TEST(FlowCodecTest, DeleteAndStrictDeleteByMatch) {
  const Message loose = FlowCodec::encode_flow_mod("table=2,in_port=4", Kind::kDelete, 1);
  EXPECT_EQ(loose[kCommand], 3);
  EXPECT_EQ(loose[kTableId], 2);
  const Message strict =
      FlowCodec::encode_flow_mod("table=2,priority=9,in_port=4", Kind::kDeleteStrict, 1);
  EXPECT_EQ(strict[kCommand], 4);
  EXPECT_EQ(wire::get16(strict, kPriority), 9);
}

TEST(FlowCodecTest, FlowStatsRequestIsMultipartFlowForAllTables) {
  const Message message = FlowCodec::encode_flow_stats_request(0x10, 0xf0, 9);
  EXPECT_EQ(message[0], kOpenFlow13);
  EXPECT_EQ(message[1], wire::kMultipartRequest);
  EXPECT_EQ(wire::get16(message, 8), 1);  // OFPMP_FLOW
  EXPECT_EQ(message[16], 0xff);           // table_id: all
  // ofp_flow_stats_request: table(1) pad(3) out_port(4) out_group(4) pad(4) cookie mask
  EXPECT_EQ(wire::get64(message, 32), 0x10u);
  EXPECT_EQ(wire::get64(message, 40), 0xf0u);
}

TEST(FlowCodecTest, SyntaxErrorsCarryOvsMessage) {
  try {
    FlowCodec::encode_flow_mod("priority=1,no_such_field=3,actions=drop", Kind::kAdd, 1);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_THAT(e.what(), HasSubstr("unknown keyword no_such_field"));
    EXPECT_THAT(e.what(), HasSubstr("priority=1,no_such_field=3"));
  }
  EXPECT_THROW(FlowCodec::encode_flow_mod("priority=1", Kind::kAdd, 1), std::invalid_argument);
  EXPECT_THROW(FlowCodec::encode_flow_mod("cookie=0x1/-1,actions=drop", Kind::kAdd, 1),
               std::invalid_argument);
  EXPECT_THROW(FlowCodec::canonical("actions=no_such_action"), std::invalid_argument);
}

TEST(FlowCodecTest, CanonicalFormIsOvsOfctlDumpSpelling) {
  EXPECT_EQ(FlowCodec::canonical("table=0,priority=100,in_port=1,dl_src=fa:16:3e:00:00:01,"
                                 "actions=resubmit(,1)"),
            "priority=100,in_port=1,dl_src=fa:16:3e:00:00:01 actions=resubmit(,1)");
  EXPECT_EQ(FlowCodec::canonical("cookie=0x1234,table=1,priority=10,ip,nw_dst=10.0.0.0/24,"
                                 "actions=output:2"),
            "cookie=0x1234, table=1, priority=10,ip,nw_dst=10.0.0.0/24 actions=output:2");
  EXPECT_EQ(FlowCodec::canonical("table=4,idle_timeout=30,priority=5,actions=drop"),
            "table=4, idle_timeout=30, priority=5 actions=drop");
}

TEST(FlowCodecTest, CanonicalFormIgnoresSpelling) {
  const std::string expected = FlowCodec::canonical(
      "cookie=0x1,table=2,priority=5,ip,in_port=3,nw_dst=10.1.0.0/16,actions=output:4");
  for (const char* same : {
           "table=2,priority=5,in_port=3,ip,nw_dst=10.1.0.0/16,cookie=0x1,actions=output:4",
           "cookie=1,table=2,priority=5,dl_type=0x0800,in_port=3,nw_dst=10.1.0.0/255.255.0.0,"
           "actions=4",
           "cookie=0x1,table=2,priority=5,ip,in_port=3,nw_dst=10.1.2.3/16,actions=output:4",
       }) {
    EXPECT_EQ(FlowCodec::canonical(same), expected) << same;
  }
  // Default priority (32768) is not printed, so it matches a flow without one.
  EXPECT_EQ(FlowCodec::canonical("priority=32768,in_port=1,actions=drop"),
            FlowCodec::canonical("in_port=1,actions=drop"));
}

TEST(FlowCodecTest, CanonicalFormIsAFixedPoint) {
  for (const char* flow : {
           "table=0,priority=100,in_port=1,dl_src=fa:16:3e:00:00:01,actions=resubmit(,1)",
           "cookie=0x99,table=2,priority=10,dl_vlan=101,actions=strip_vlan,"
           "load:0x5->NXM_NX_REG0[],goto_table:3",
           "table=3,priority=1,tcp,tp_dst=80,actions=ct(commit,zone=5),output:1",
           "table=4,hard_timeout=600,send_flow_rem,priority=7,udp,udp_dst=67,"
           "actions=CONTROLLER:65535",
       }) {
    const std::string once = FlowCodec::canonical(flow);
    EXPECT_EQ(FlowCodec::canonical(once), once) << flow;
  }
}

TEST(FlowCodecTest, RejectsWhatIsNotAFlowStatsReply) {
  std::vector<std::string> flows;
  const Message flow_mod = FlowCodec::encode_flow_mod("actions=drop", Kind::kAdd, 1);
  EXPECT_THROW(FlowCodec::decode_flow_stats_reply(flow_mod, flows), std::invalid_argument);
  Message truncated = FlowCodec::encode_flow_stats_request(0, 0, 1);
  truncated.resize(12);
  EXPECT_THROW(FlowCodec::decode_flow_stats_reply(truncated, flows), std::invalid_argument);
  EXPECT_TRUE(flows.empty());
}

}  // namespace
}  // namespace neutrino::dataplane::openflow
