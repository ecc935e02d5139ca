#include "agent/ovs/json_stream_splitter.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace neutrino::agent::ovs {
namespace {

TEST(JsonStreamSplitter, SplitsBackToBackMessages) {
  JsonStreamSplitter splitter;
  std::vector<std::string> out;
  splitter.feed(R"({"id":1,"result":[]}{"id":2,"result":{"a":[1,2]}}  [1])", out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], R"({"id":1,"result":[]})");
  EXPECT_EQ(out[1], R"({"id":2,"result":{"a":[1,2]}})");
  EXPECT_EQ(out[2], "[1]");
  EXPECT_TRUE(splitter.idle());
}

TEST(JsonStreamSplitter, BracesAndEscapedQuotesInsideStringsDoNotCount) {
  JsonStreamSplitter splitter;
  std::vector<std::string> out;
  const std::string text = R"({"s":"}{ \" ] [ \\","t":"\\"})";
  splitter.feed(text + "\n" + text, out);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], text);
  EXPECT_EQ(out[1], text);
}

TEST(JsonStreamSplitter, ReassemblesMessagesFedOneByteAtATime) {
  JsonStreamSplitter splitter;
  std::vector<std::string> out;
  const std::string stream = R"({"method":"update","params":["m",{"T":{"u":{"new":{"x":"}"}}}}]})"
                             R"({"id":"echo","method":"echo","params":[]})";
  for (char c : stream) {
    splitter.feed(std::string_view(&c, 1), out);
  }
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0] + out[1], stream);
}

TEST(JsonStreamSplitter, KeepsAPartialMessageUntilItCompletes) {
  JsonStreamSplitter splitter;
  std::vector<std::string> out;
  splitter.feed(R"({"id":1,"res)", out);
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(splitter.idle());
  splitter.feed(R"(ult":null})", out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0], R"({"id":1,"result":null})");
}

TEST(JsonStreamSplitter, RejectsBytesThatCannotStartAMessage) {
  JsonStreamSplitter splitter;
  std::vector<std::string> out;
  EXPECT_THROW(splitter.feed("{}x", out), std::runtime_error);
}

TEST(JsonStreamSplitter, RejectsAMessageOverTheLimit) {
  JsonStreamSplitter splitter(16);
  std::vector<std::string> out;
  EXPECT_THROW(splitter.feed(R"({"a":"0123456789abcdef")", out), std::runtime_error);
}

}  // namespace
}  // namespace neutrino::agent::ovs
