#include "common/channel/frame_codec.hpp"

#include <gtest/gtest.h>

namespace neutrino::channel {
namespace {

TEST(FrameCodecTest, RoundTripsMessagesSplitAnywhere) {
  const Json a = {{"type", "hello"}, {"host", "compute1"}};
  const Json b = {{"type", "ack"}, {"revision", 42}};
  const std::string stream = encode_frame(a) + encode_frame(b);
  for (size_t cut = 0; cut <= stream.size(); ++cut) {
    FrameDecoder decoder;
    decoder.feed(std::string_view(stream).substr(0, cut));
    std::vector<Json> out;
    while (auto m = decoder.next()) {
      out.push_back(*m);
    }
    decoder.feed(std::string_view(stream).substr(cut));
    while (auto m = decoder.next()) {
      out.push_back(*m);
    }
    ASSERT_EQ(out.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(out[0], a);
    EXPECT_EQ(out[1], b);
    EXPECT_EQ(decoder.buffered(), 0u);
  }
}

TEST(FrameCodecTest, LengthIsBigEndianPrefix) {
  const std::string frame = encode_frame(Json::object());
  ASSERT_EQ(frame.size(), 6u);
  EXPECT_EQ(frame.substr(0, 4), std::string("\0\0\0\2", 4));
  EXPECT_EQ(frame.substr(4), "{}");
}

TEST(FrameCodecTest, RejectsOversizedAndNonObjectFrames) {
  FrameDecoder oversized;
  oversized.feed(std::string("\x7f\xff\xff\xff", 4));
  EXPECT_THROW(oversized.next(), FrameError);
  FrameDecoder not_object;
  not_object.feed(std::string("\0\0\0\1", 4) + "7");
  EXPECT_THROW(not_object.next(), FrameError);
  FrameDecoder garbage;
  garbage.feed(std::string("\0\0\0\3", 4) + "{{{");
  EXPECT_THROW(garbage.next(), FrameError);
}

TEST(FrameCodecTest, ASmallerLimitRefusesFromTheLengthPrefixAlone) {
  FrameDecoder decoder(1024);
  decoder.feed(std::string("\0\0\4\1", 4));  // 1025 bytes announced, none sent
  EXPECT_THROW(decoder.next(), FrameError);
  FrameDecoder raised(16);
  raised.set_max_frame_bytes(kMaxFrameBytes);
  raised.feed(encode_frame(Json{{"a", std::string(100, 'x')}}));
  EXPECT_TRUE(raised.next().has_value());
}

TEST(FrameCodecTest, RejectsDeeplyNestedFramesWhileParsing) {
  // Frames come before the peer authenticates: a deep one must not reach anything recursive.
  const size_t depth = 1'000'000;
  const std::string body = R"({"type": )" + std::string(depth, '[') + std::string(depth, ']') + "}";
  const auto n = static_cast<uint32_t>(body.size());
  std::string frame;
  for (int shift : {24, 16, 8, 0}) {
    frame.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  FrameDecoder decoder;
  decoder.feed(frame + body);
  try {
    decoder.next();
    FAIL() << "a frame nested 1,000,000 deep was accepted";
  } catch (const FrameError& e) {
    EXPECT_NE(std::string(e.what()).find("nested deeper than 64 levels"), std::string::npos)
        << e.what();
  }
  // The host state's own nesting is well within the limit.
  const std::string shallow = R"({"a": )" + std::string(40, '[') + std::string(40, ']') + "}";
  FrameDecoder ok;
  ok.feed(encode_frame(Json::parse(shallow)));
  EXPECT_TRUE(ok.next().has_value());
}

}  // namespace
}  // namespace neutrino::channel
