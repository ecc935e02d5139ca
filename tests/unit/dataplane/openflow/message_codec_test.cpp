#include "dataplane/openflow/message_codec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "dataplane/openflow/flow_codec.hpp"
#include "tests/unit/dataplane/openflow/wire.hpp"

namespace neutrino::dataplane::openflow {
namespace {

using ::testing::HasSubstr;
using ::testing::Optional;

TEST(MessageCodecTest, HeaderFields) {
  const Message message = wire::message(kOpenFlow13, wire::kEchoRequest, 0xdeadbeef, {1, 2, 3});
  EXPECT_EQ(MessageCodec::version(message), kOpenFlow13);
  EXPECT_EQ(MessageCodec::length(message), 11u);
  EXPECT_EQ(MessageCodec::xid(message), 0xdeadbeefu);
}

TEST(MessageCodecTest, HelloOffersOpenFlow13ByBitmap) {
  const Message hello = MessageCodec::hello(5);
  // header, then one OFPHET_VERSIONBITMAP element (type 1, length 8) with bit 4 set.
  ASSERT_EQ(hello.size(), 16u);
  EXPECT_EQ(hello[0], kOpenFlow13);
  EXPECT_EQ(hello[1], wire::kHello);
  EXPECT_EQ(wire::get32(hello, 4), 5u);
  EXPECT_EQ(wire::get16(hello, 8), 1);
  EXPECT_EQ(wire::get16(hello, 10), 8);
  EXPECT_EQ(wire::get32(hello, 12), 1u << 4);
  EXPECT_EQ(MessageCodec::kind(hello), MessageKind::kHello);
}

TEST(MessageCodecTest, NegotiatesTheHighestCommonVersion) {
  EXPECT_THAT(MessageCodec::negotiate(MessageCodec::hello(1)), Optional(kOpenFlow13));
  // No bitmap: the peer speaks every version up to the header's.
  EXPECT_THAT(MessageCodec::negotiate(wire::hello(0x06)), Optional(kOpenFlow13));
  EXPECT_THAT(MessageCodec::negotiate(wire::hello(kOpenFlow13)), Optional(kOpenFlow13));
  EXPECT_EQ(MessageCodec::negotiate(wire::hello(0x01)), std::nullopt);
  EXPECT_EQ(MessageCodec::negotiate(wire::hello(0x03)), std::nullopt);
}

TEST(MessageCodecTest, HelloFailedIsAnIncompatibleError) {
  const Message error = MessageCodec::hello_failed(0x01, "OpenFlow 1.3 only", 3);
  EXPECT_EQ(error[0], 0x01);  // in the peer's version, so it can read it
  EXPECT_EQ(error[1], wire::kError);
  EXPECT_EQ(wire::get16(error, 8), 0);   // OFPET_HELLO_FAILED
  EXPECT_EQ(wire::get16(error, 10), 0);  // OFPHFC_INCOMPATIBLE
  const OpenFlowError refused = MessageCodec::incompatible(wire::hello(0x01, 9));
  EXPECT_EQ(refused.name(), "OFPHFC_INCOMPATIBLE");
  EXPECT_EQ(refused.type_name(), "OFPET_HELLO_FAILED");
  EXPECT_THAT(refused.what(), HasSubstr("0x2"));
}

TEST(MessageCodecTest, EchoReplyKeepsXidAndPayload) {
  const Message request =
      wire::message(kOpenFlow13, wire::kEchoRequest, 0x77, {'p', 'i', 'n', 'g'});
  EXPECT_EQ(MessageCodec::kind(request), MessageKind::kEchoRequest);
  const Message reply = MessageCodec::echo_reply(request);
  EXPECT_EQ(reply, wire::message(kOpenFlow13, wire::kEchoReply, 0x77, {'p', 'i', 'n', 'g'}));
  EXPECT_EQ(MessageCodec::kind(reply), MessageKind::kEchoReply);
  EXPECT_EQ(MessageCodec::echo_request(4), wire::message(kOpenFlow13, wire::kEchoRequest, 4));
}

TEST(MessageCodecTest, Barrier) {
  EXPECT_EQ(MessageCodec::barrier_request(8), wire::message(kOpenFlow13, wire::kBarrierRequest, 8));
  EXPECT_EQ(MessageCodec::kind(wire::message(kOpenFlow13, wire::kBarrierReply, 8)),
            MessageKind::kBarrierReply);
}

TEST(MessageCodecTest, ClassifiesMultipartRepliesAndMoreFlag) {
  // OFPMP_FLOW reply with no flows, with and without OFPMPF_REPLY_MORE.
  const Message last =
      wire::message(kOpenFlow13, wire::kMultipartReply, 3, {0, 1, 0, 0, 0, 0, 0, 0});
  const Message more =
      wire::message(kOpenFlow13, wire::kMultipartReply, 3, {0, 1, 0, 1, 0, 0, 0, 0});
  EXPECT_EQ(MessageCodec::kind(last), MessageKind::kMultipartReply);
  EXPECT_FALSE(MessageCodec::more_follows(last));
  EXPECT_TRUE(MessageCodec::more_follows(more));
  std::vector<std::string> flows;
  FlowCodec::decode_flow_stats_reply(last, flows);
  EXPECT_TRUE(flows.empty());
}

TEST(MessageCodecTest, UndecodableIsOther) {
  EXPECT_EQ(MessageCodec::kind(wire::message(kOpenFlow13, 250, 1)), MessageKind::kOther);
  Message short_length = wire::message(kOpenFlow13, wire::kEchoRequest, 1, {1, 2});
  short_length[3] = 9;
  EXPECT_EQ(MessageCodec::kind(short_length), MessageKind::kOther);
}

TEST(MessageCodecTest, BundleMessagesUseOnfExtension230) {
  const Message open =
      MessageCodec::bundle_control(42, BundleOperation::kOpen, kBundleAtomic | kBundleOrdered, 11);
  // OFPT_EXPERIMENTER, ONF_VENDOR_ID, ONFT_BUNDLE_CONTROL (2300), bundle id, type, flags.
  EXPECT_EQ(open[1], wire::kExperimenter);
  EXPECT_EQ(wire::get32(open, 4), 11u);
  EXPECT_EQ(wire::get32(open, 8), 0x4f4e4600u);
  EXPECT_EQ(wire::get32(open, 12), 2300u);
  EXPECT_EQ(wire::get32(open, 16), 42u);
  EXPECT_EQ(wire::get16(open, 20), 0);  // OFPBCT_OPEN_REQUEST
  EXPECT_EQ(wire::get16(open, 22), 3);  // OFPBF_ATOMIC | OFPBF_ORDERED
  EXPECT_EQ(MessageCodec::kind(open), MessageKind::kBundleControl);
  EXPECT_FALSE(MessageCodec::is_bundle_reply(open, 42, BundleOperation::kOpen));

  Message reply = open;
  reply[21] = 1;  // OFPBCT_OPEN_REPLY
  EXPECT_TRUE(MessageCodec::is_bundle_reply(reply, 42, BundleOperation::kOpen));
  EXPECT_FALSE(MessageCodec::is_bundle_reply(reply, 43, BundleOperation::kOpen));
  EXPECT_FALSE(MessageCodec::is_bundle_reply(reply, 42, BundleOperation::kCommit));

  const Message inner =
      FlowCodec::encode_flow_mod("priority=1,actions=drop", FlowChange::Kind::kAdd, 77);
  const Message add = MessageCodec::bundle_add(42, kBundleAtomic, inner);
  EXPECT_EQ(wire::get32(add, 4), 77u);     // the extension wants the inner message's xid
  EXPECT_EQ(wire::get32(add, 12), 2301u);  // ONFT_BUNDLE_ADD_MESSAGE
  EXPECT_EQ(wire::get32(add, 16), 42u);
  EXPECT_EQ(Message(add.end() - static_cast<long>(inner.size()), add.end()), inner);
}

TEST(MessageCodecTest, DecodesErrorsWithOpenFlowNames) {
  const OpenFlowError bad_group = MessageCodec::decode_error(wire::error(2, 9, 0x55));
  EXPECT_EQ(bad_group.type_name(), "OFPET_BAD_ACTION");
  EXPECT_EQ(bad_group.name(), "OFPBAC_BAD_OUT_GROUP");
  EXPECT_EQ(bad_group.type(), 2);
  EXPECT_EQ(bad_group.code(), 9);
  EXPECT_EQ(bad_group.xid(), 0x55u);
  EXPECT_THAT(bad_group.what(), HasSubstr("OFPBAC_BAD_OUT_GROUP (OFPET_BAD_ACTION)"));

  const OpenFlowError overlap =
      MessageCodec::decode_error(wire::error(5, 3, 1)).with_request("add priority=1");
  EXPECT_EQ(overlap.type_name(), "OFPET_FLOW_MOD_FAILED");
  EXPECT_EQ(overlap.name(), "OFPFMFC_OVERLAP");
  EXPECT_THAT(overlap.what(), HasSubstr("[request: add priority=1]"));

  const OpenFlowError unknown = MessageCodec::decode_error(wire::error(1234, 5, 1));
  EXPECT_EQ(unknown.type_name(), "OFPET_1234");
  EXPECT_EQ(unknown.code(), 5);
}

TEST(MessageCodecTest, DescribesMessagesLikeOvsOfctl) {
  EXPECT_THAT(MessageCodec::describe(MessageCodec::barrier_request(3)),
              HasSubstr("OFPT_BARRIER_REQUEST (OF1.3)"));
}

}  // namespace
}  // namespace neutrino::dataplane::openflow
