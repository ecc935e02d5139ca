// The delta frames the encoder writes from serialized objects decode to exactly the message
// the agent expects: what HostDeltas::to_delta makes of the changes, with type, revision and
// schema.
#include "controller/fanout/delta_encoder.hpp"

#include <gtest/gtest.h>

#include "common/channel/frame_codec.hpp"

namespace neutrino::fanout {
namespace {

Json decode(const std::string& frame) {
  channel::FrameDecoder decoder;
  decoder.feed(frame);
  auto message = decoder.next();
  EXPECT_TRUE(message.has_value());
  EXPECT_EQ(decoder.buffered(), 0u);
  return message.value_or(Json());
}

Json expected(const HostDeltas::Changes& changes, int64_t revision, int schema) {
  Json message = HostDeltas::to_delta(changes);
  message["type"] = "delta";
  message["revision"] = revision;
  message["schema"] = schema;
  return message;
}

TEST(DeltaEncoderTest, AFrameDecodesToTheDeltaOfTheChanges) {
  const auto port = std::make_shared<const Json>(
      Json{{"id", "p1"}, {"name", "quote \" and \\ and é"}, {"fixed_ips", Json::array()}});
  const HostDeltas::Changes changes = {
      {"port:p1", port}, {"remote:p2", nullptr}, {"odd\"key", port}, {"subnet:s1", nullptr}};
  DeltaEncoder encoder;
  EXPECT_EQ(decode(encoder.frame(changes, 42, 5)), expected(changes, 42, 5));
}

TEST(DeltaEncoderTest, NothingChangedIsAnEmptyDelta) {
  DeltaEncoder encoder;
  EXPECT_EQ(decode(encoder.frame({}, 7, 5)), expected({}, 7, 5));
}

// One object in many hosts' frames is serialized once; every frame still carries it whole.
TEST(DeltaEncoderTest, AnObjectSharedByHostsIsInEachFrame) {
  const auto group = std::make_shared<const Json>(Json{{"id", "g"}, {"rules", {1, 2, 3}}});
  DeltaEncoder encoder;
  const HostDeltas::Changes a = {{"security_group:g", group}, {"port:a", nullptr}};
  const HostDeltas::Changes b = {{"security_group:g", group}};
  EXPECT_EQ(decode(encoder.frame(a, 3, 5)), expected(a, 3, 5));
  EXPECT_EQ(decode(encoder.frame(b, 3, 5)), expected(b, 3, 5));
}

}  // namespace
}  // namespace neutrino::fanout
