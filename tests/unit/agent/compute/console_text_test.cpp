#include "agent/compute/console_text.hpp"

#include <gtest/gtest.h>

#include "common/json.hpp"

namespace neutrino::agent {
namespace {

TEST(ConsoleText, LastLines) {
  EXPECT_EQ(last_lines("a\nb\nc\n", 2), "b\nc\n");
  EXPECT_EQ(last_lines("a\nb\nc", 2), "b\nc");
  EXPECT_EQ(last_lines("a\nb\n", 5), "a\nb\n");
  EXPECT_EQ(last_lines("a\nb\n", std::nullopt), "a\nb\n");
  EXPECT_EQ(last_lines("a\nb\n", 0), "");
}

TEST(ConsoleText, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(valid_utf8("plain ascii\n"), "plain ascii\n");
  EXPECT_EQ(valid_utf8("caf\xc3\xa9"), "caf\xc3\xa9");
  EXPECT_EQ(valid_utf8("\xff\xfe"), "\xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(valid_utf8("\xc3"), "\xef\xbf\xbd");                                  // cut short
  EXPECT_EQ(valid_utf8("\xc0\xaf"), "\xef\xbf\xbd\xef\xbf\xbd");                  // overlong '/'
  EXPECT_EQ(valid_utf8("\xed\xa0\x80"), "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");  // surrogate
  // whatever a guest prints can be carried as JSON
  std::string noise;
  for (int i = 0; i < 256; ++i) {
    noise += static_cast<char>(i);
  }
  EXPECT_NO_THROW(Json(valid_utf8(noise)).dump());
}

}  // namespace
}  // namespace neutrino::agent
