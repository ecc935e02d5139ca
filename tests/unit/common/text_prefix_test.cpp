#include "common/text_prefix.hpp"

#include <gtest/gtest.h>

namespace neutrino {
namespace {

TEST(TextPrefixTest, ShortTextIsKept) {
  EXPECT_EQ(text_prefix("abc", 3), "abc");
  EXPECT_EQ(text_prefix(std::string(64, 'x')), std::string(64, 'x'));
  EXPECT_EQ(text_prefix(""), "");
}

TEST(TextPrefixTest, LongTextIsCutWithAnEllipsis) {
  EXPECT_EQ(text_prefix("abcdef", 3), "abc...");
  EXPECT_EQ(text_prefix(std::string(100'000, 'x')), std::string(64, 'x') + "...");
}

TEST(TextPrefixTest, NeverSplitsAUtf8Character) {
  // "é" is two bytes: a cut after byte 2 would leave half of the second one.
  const std::string text = "a\xc3\xa9\xc3\xa9";
  EXPECT_EQ(text_prefix(text, 2), "a...");
  EXPECT_EQ(text_prefix(text, 3), "a\xc3\xa9...");
  // The result can always go into a JSON body.
  for (size_t n = 0; n <= text.size(); ++n) {
    EXPECT_NO_THROW(Json(text_prefix(text, n)).dump()) << n;
  }
}

TEST(TextPrefixTest, JsonValuesAreShownAsTheirTextOrContent) {
  EXPECT_EQ(json_prefix(Json("plain")), "plain");
  EXPECT_EQ(json_prefix(Json::parse(R"({"a": [1, 2]})")), R"({"a":[1,2]})");
  EXPECT_EQ(json_prefix(Json::parse("[\"" + std::string(100, 'b') + "\"]"), 10), "[\"bbbbbbbb...");
  EXPECT_EQ(json_prefix(Json(nullptr)), "null");
}

}  // namespace
}  // namespace neutrino
