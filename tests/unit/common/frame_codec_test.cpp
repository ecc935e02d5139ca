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

}  // namespace
}  // namespace neutrino::channel
