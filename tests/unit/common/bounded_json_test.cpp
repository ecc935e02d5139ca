#include "common/bounded_json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace neutrino {
namespace {

constexpr JsonLimits kLimits{.max_depth = 4, .max_bytes = 1024};

std::string nested(size_t depth, char open = '[', char close = ']') {
  return std::string(depth, open) + std::string(depth, close);
}

TEST(BoundedJsonTest, ParsesWhatIsWithinTheLimits) {
  const auto result =
      parse_bounded_json(R"({"a": [1, {"b": [true, null, "x"]}], "c": 2.5})", kLimits);
  ASSERT_TRUE(result.ok()) << result.reason;
  EXPECT_EQ(result.value, Json::parse(R"({"a": [1, {"b": [true, null, "x"]}], "c": 2.5})"));
  EXPECT_EQ(parse_bounded_json("7", kLimits).value, 7);
  EXPECT_EQ(parse_bounded_json(R"("text")", kLimits).value, "text");
  EXPECT_EQ(parse_bounded_json(nested(4), kLimits).value, Json::parse(nested(4)));
}

TEST(BoundedJsonTest, RefusesNestingBeyondTheLimitWhateverTheContainer) {
  for (const std::string& text : {nested(5), std::string(R"({"a":{"b":{"c":{"d":{}}}}})"),
                                  std::string(R"([{"a":[{"b":[]}]}])"), nested(1'000'000)}) {
    const auto result = parse_bounded_json(text, {.max_depth = 4, .max_bytes = 4 << 20});
    EXPECT_EQ(result.refusal, JsonRefusal::kTooDeep) << text.substr(0, 40);
    EXPECT_EQ(result.reason, "JSON nested deeper than 4 levels");
    EXPECT_TRUE(result.value.is_null());
  }
  // Depth counts nesting, not containers: many siblings at depth 2 are fine.
  std::string wide = "[";
  for (int i = 0; i < 100; ++i) {
    wide += (i ? ",[]" : "[]");
  }
  wide += "]";
  EXPECT_TRUE(parse_bounded_json(wide, kLimits).ok());
}

TEST(BoundedJsonTest, RefusesTextOverTheSizeLimitBeforeParsing) {
  const std::string text = "\"" + std::string(1023, 'a') + "\"";
  const auto result = parse_bounded_json(text, kLimits);
  EXPECT_EQ(result.refusal, JsonRefusal::kTooLarge);
  EXPECT_EQ(result.reason, "JSON text of 1025 bytes exceeds the limit of 1024");
  EXPECT_TRUE(parse_bounded_json(text.substr(0, 1022) + "\"", kLimits).ok());
}

TEST(BoundedJsonTest, ReportsSyntaxErrorsWithoutThrowing) {
  for (const std::string text : {"", "{", "[1,]", "{\"a\" 1}", "nul", "1 2", "\"\xff\""}) {
    const auto result = parse_bounded_json(text, kLimits);
    EXPECT_EQ(result.refusal, JsonRefusal::kSyntax) << text;
    EXPECT_FALSE(result.reason.empty()) << text;
    EXPECT_TRUE(result.value.is_null()) << text;
  }
}

TEST(BoundedJsonTest, SyntaxErrorDeepInsideIsASyntaxErrorNotACrash) {
  const auto result = parse_bounded_json(std::string(3, '[') + "x" + std::string(3, ']'), kLimits);
  EXPECT_EQ(result.refusal, JsonRefusal::kSyntax);
}

}  // namespace
}  // namespace neutrino
