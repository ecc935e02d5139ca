#include "controller/http/http_request.hpp"

#include <gtest/gtest.h>

namespace neutrino::http {
namespace {

TEST(ParseQueryTest, KeepsOrderAndRepeatedKeys) {
  EXPECT_EQ(parse_query("fields=id&fields=name&status=ACTIVE"),
            (QueryParams{{"fields", "id"}, {"fields", "name"}, {"status", "ACTIVE"}}));
}

TEST(ParseQueryTest, DecodesPlusAndPercent) {
  EXPECT_EQ(parse_query("name=my+net&desc=a%20b%2Fc&tag=%E2%9C%93"),
            (QueryParams{{"name", "my net"}, {"desc", "a b/c"}, {"tag", "\xE2\x9C\x93"}}));
  // An encoded '+' stays a plus; an encoded '&' or '=' does not split.
  EXPECT_EQ(parse_query("q=1%2B1&r=a%26b%3Dc"), (QueryParams{{"q", "1+1"}, {"r", "a&b=c"}}));
  // Keys are decoded too.
  EXPECT_EQ(parse_query("my+key%21=v"), (QueryParams{{"my key!", "v"}}));
}

TEST(ParseQueryTest, EmptyValuesAndMissingEquals) {
  EXPECT_EQ(parse_query("a=&b&c=3"), (QueryParams{{"a", ""}, {"b", ""}, {"c", "3"}}));
  EXPECT_EQ(parse_query("=x"), (QueryParams{{"", "x"}}));
}

TEST(ParseQueryTest, SkipsEmptyPairs) {
  EXPECT_TRUE(parse_query("").empty());
  EXPECT_TRUE(parse_query("&&").empty());
  EXPECT_EQ(parse_query("&a=1&&b=2&"), (QueryParams{{"a", "1"}, {"b", "2"}}));
}

TEST(ParseQueryTest, OnlyFirstEqualsSeparates) {
  EXPECT_EQ(parse_query("a=b=c"), (QueryParams{{"a", "b=c"}}));
}

TEST(PercentDecodeTest, DecodesEscapesButNotPlus) {
  EXPECT_EQ(percent_decode("/v2.0/networks/a%2Fb"), "/v2.0/networks/a/b");
  EXPECT_EQ(percent_decode("a+b%20c"), "a+b c");  // '+' is literal outside queries
  EXPECT_EQ(percent_decode("%41%62%7e"), "Ab~");  // either hex case
  EXPECT_EQ(percent_decode("%2F"), "/");          // escape at the very end
}

TEST(PercentDecodeTest, LeavesMalformedEscapesAlone) {
  EXPECT_EQ(percent_decode("100%"), "100%");
  EXPECT_EQ(percent_decode("%2"), "%2");
  EXPECT_EQ(percent_decode("%zz%4"), "%zz%4");
  EXPECT_EQ(percent_decode("%%41"), "%A");
}

TEST(PercentDecodeTest, DecodesNulAndHighBytes) {
  EXPECT_EQ(percent_decode("a%00b"), std::string("a\0b", 3));
  EXPECT_EQ(percent_decode("%FF"), "\xFF");
}

TEST(PercentEncodeTest, EncodesReservedAndRoundTrips) {
  EXPECT_EQ(percent_encode("a b/c+d"), "a%20b%2Fc%2Bd");
  EXPECT_EQ(percent_encode("AZaz09-_.~"), "AZaz09-_.~");
  const std::string all = [] {
    std::string s;
    for (int c = 0; c < 256; ++c) {
      s.push_back(static_cast<char>(c));
    }
    return s;
  }();
  EXPECT_EQ(percent_decode(percent_encode(all)), all);
  EXPECT_EQ(parse_query("k=" + percent_encode("x y&z")), (QueryParams{{"k", "x y&z"}}));
}

TEST(RequestTest, HeaderLookup) {
  Request request;
  request.headers["x-auth-token"] = "secret";
  EXPECT_EQ(request.header("x-auth-token"), "secret");
  EXPECT_EQ(request.header("x-missing"), std::nullopt);
}

}  // namespace
}  // namespace neutrino::http
